import Foundation
import WardenTesting
import XCTest

/// Notifications end to end: a profile names `http_default`, Debian's `http` plugin posts
/// to a local webhook what the format renders, the daemon counts it, `warden notifications
/// list` shows it; and intake never waits for a plugin.
final class NotificationsDaemonTests: XCTestCase {
    private static let pluginFolder = "/usr/lib/crowdsec/plugins"
    private var daemon: DaemonHarness!
    private var bearer: [String: String] = [:]

    override func setUpWithError() throws {
        guard access(Self.pluginFolder + "/http", X_OK) == 0 else {
            let message = "\(Self.pluginFolder)/http is missing: run Tests/clients/install.sh (Debian package crowdsec)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) }
            throw XCTSkip(message)
        }
    }

    override func tearDown() {
        daemon = nil
    }

    static let profile = """
        name: default_ip_remediation
        filters:
          - Alert.Remediation == true && Alert.GetScope() == "Ip"
        decisions:
          - type: ban
            duration: 4h
        notifications:
          - http_default
        on_success: break
        """

    static let format = "{{range .}}{{.ID}} {{.MachineID}} {{.Scenario}} {{.Source.IP}}{{range .Decisions}} {{.Type}} {{.Value}} {{.Duration}}{{end}}{{end}}"

    /// A daemon whose profile notifies `http_default`, posting to `url`.
    private func startDaemon(url: String, profile: String = profile) throws {
        daemon = try DaemonHarness()
        try profile.write(toFile: daemon.folder + "/profiles.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: daemon.folder + "/notifications", withIntermediateDirectories: true)
        try """
            type: http
            name: http_default
            log_level: info
            format: '\(Self.format)'
            timeout: 1s
            url: \(url)
            method: POST
            """.write(toFile: daemon.folder + "/notifications/http.yaml", atomically: true, encoding: .utf8)
        try daemon.cli("machines", "add", "agent-ssh", "-p", "agentPassw0rd-abcdef")
        try daemon.start()
        try login()
    }

    private func login() throws {
        let answer = try RawHTTP.request(
            "POST", "/v1/watchers/login", port: daemon.port, headers: ["User-Agent": MachinesAPITests.agentUA],
            body: #"{"machine_id":"agent-ssh","password":"agentPassw0rd-abcdef","scenarios":null}"#)
        let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        bearer = ["Authorization": "Bearer \(try XCTUnwrap(object?["token"] as? String))", "Content-Type": "application/json"]
    }

    /// An agent's ssh-bf alert on `ip`, without decisions (the profile decides).
    private func agentAlert(_ ip: String) -> String {
        let at = ISO8601DateFormatter().string(from: Date())
        return #"[{"capacity":5,"decisions":null,"events":[],"events_count":6,"labels":null,"leakspeed":"10s","message":"Ip \#(ip) performed 'crowdsecurity/ssh-bf'","remediation":true,"scenario":"crowdsecurity/ssh-bf","scenario_hash":"4441","scenario_version":"0.1","simulated":false,"source":{"ip":"\#(ip)","scope":"Ip","value":"\#(ip)"},"start_at":"\#(at)","stop_at":"\#(at)"}]"#
    }

    private func post(_ body: String) throws -> RawResponse {
        try RawHTTP.request("POST", "/v1/alerts", port: daemon.port, headers: bearer, body: body)
    }

    /// The pid of the daemon's child running `plugin`, read from /proc (not from the daemon).
    private func pluginPid(_ plugin: String) throws -> Int32? {
        let daemonPid = try XCTUnwrap(daemon.pid)
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(entry),
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/exe")) == plugin,
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { continue }
            // "pid (comm) state ppid ...": comm may hold spaces, so read after its ')'.
            let fields = stat[stat.index(after: try XCTUnwrap(stat.lastIndex(of: ")")))...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == daemonPid { return pid }
        }
        return nil
    }

    func testAnAlertReachesTheWebhookAsTheFormatRendersIt_CountedAndListed() throws {
        let webhook = try WebhookReceiver()
        try startDaemon(url: webhook.url)
        // A notification no profile names: the daemon does not run it.
        try "type: http\nname: http_unused\nformat: '{{.}}'\nurl: \(webhook.url)\n"
            .write(toFile: daemon.folder + "/notifications/unused.yaml", atomically: true, encoding: .utf8)
        let plugin = Self.pluginFolder + "/http"
        // The daemon starts the plugin at boot, before the API answers: running before any alert.
        let pid = try XCTUnwrap(try pluginPid(plugin), "no child of the daemon runs \(plugin): \(daemon.daemonLog)")
        let header = "name,type,plugin,file,state,restarts,sent,failed,dropped,pending\n"
        let used = "http_default,http,\(plugin),\(daemon.folder)/notifications/http.yaml,running (pid \(pid)),0"
        let unused = "http_unused,http,\(plugin),\(daemon.folder)/notifications/unused.yaml,not started,0,0,0,0,0\n"
        let before = try daemon.cli("notifications", "list", "-o", "raw")
        XCTAssertEqual(before.out, header + used + ",0,0,0,0\n" + unused, before.err)
        let metrics = try RawHTTP.request("GET", "/metrics", port: daemon.metricsPort).body
        for line in [
            #"warden_notification_plugin_state{notification="http_default",state="not_started"} 0.0"#,
            #"warden_notification_plugin_state{notification="http_default",state="starting"} 0.0"#,
            #"warden_notification_plugin_state{notification="http_default",state="running"} 1.0"#,
            #"warden_notification_plugin_state{notification="http_default",state="restarting"} 0.0"#,
            #"warden_notification_plugin_state{notification="http_default",state="stopped"} 0.0"#,
            #"warden_notification_plugin_pid{notification="http_default"} \#(pid).0"#,
            #"warden_notification_plugin_failures{notification="http_default"} 0.0"#,
            #"warden_notification_plugin_restarts{notification="http_default"} 0.0"#,
            #"warden_notification_pending{notification="http_default"} 0.0"#,
        ] {
            XCTAssertTrue(metrics.split(separator: "\n").contains(Substring(line)), "\(line) not in:\n\(metrics)")
        }
        XCTAssertFalse(metrics.contains("http_unused"), metrics)

        let alert = agentAlert("192.0.2.30")
        XCTAssertEqual(try post(alert).body, #"["1"]"#)
        XCTAssertTrue(daemon.eventually(within: 10) { !webhook.bodies.isEmpty }, daemon.daemonLog)
        XCTAssertEqual(webhook.bodies, ["1 agent-ssh crowdsecurity/ssh-bf 192.0.2.30 ban 192.0.2.30 4h"])
        let sent = #"warden_notifications_total{notification="http_default",result="sent"} 1"#
        XCTAssertTrue(
            try daemon.eventually(within: 5) {
                try RawHTTP.request("GET", "/metrics", port: daemon.metricsPort).body.contains(sent)
            })
        let list = try daemon.cli("notifications", "list", "-o", "raw")
        XCTAssertEqual(list.out, header + used + ",1,0,0,0\n" + unused, list.err)
        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertEqual(webhook.bodies.count, 1)
    }

    func testAProfileNamingAnUnknownNotificationStopsTheStart() throws {
        let webhook = try WebhookReceiver()
        let profile = Self.profile.replacingOccurrences(of: "  - http_default", with: "  - http_default\n  - slack_default")
        XCTAssertThrowsError(try startDaemon(url: webhook.url, profile: profile))
        XCTAssertTrue(
            daemon.daemonLog.contains(
                "error: \(daemon.folder)/profiles.yaml:1: profile 'default_ip_remediation' names notification 'slack_default', "
                    + "which no file in \(daemon.folder)/notifications defines; add a file with 'name: slack_default' there "
                    + "(config_paths.notification_dir), or remove it from the profile\n"),
            daemon.daemonLog)
    }

    func testNotificationsTestSendsASampleThroughThePlugin() throws {
        let webhook = try WebhookReceiver()
        try startDaemon(url: webhook.url)
        let test = try daemon.cli("notifications", "test", "http_default")
        XCTAssertEqual(
            test.out, "sent a sample alert through 'http_default' (type http, plugin \(Self.pluginFolder)/http)\n", test.err)
        XCTAssertEqual(webhook.bodies, ["1 warden warden/notification-test 192.0.2.1 ban 192.0.2.1 4h"])
        let unknown = try daemon.cli("notifications", "test", "nope")
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(
            unknown.err,
            "error: \(daemon.folder)/notifications: no notification is called 'nope' (known: http_default); "
                + "give the 'name' of a file in config_paths.notification_dir\n")
    }

    /// Printed, not asserted (the machine is noisy): POST /v1/alerts with a notification
    /// whose plugin hangs on every call, against the same daemon without notifications.
    func testMeasureIntakeLatencyWithAHangingPlugin() throws {
        let hanging = try WebhookReceiver(hang: true)
        try startDaemon(url: hanging.url)
        let withHang = try latencies(count: 40, net: 10)
        XCTAssertTrue(daemon.eventually(within: 10) { !hanging.bodies.isEmpty }, "the plugin never called the webhook")
        daemon.stop()
        try startDaemon(url: hanging.url, profile: Self.profile.replacingOccurrences(of: "notifications:\n  - http_default\n", with: ""))
        let without = try latencies(count: 40, net: 10)
        print("POST /v1/alerts latency, median/max of 40: plugin hanging \(withHang); no notification \(without)")
    }

    /// Median and maximum of `count` POSTs of one new alert each, in ms.
    private func latencies(count: Int, net: Int) throws -> String {
        var times: [Double] = []
        for index in 0..<count {
            let body = agentAlert("198.51.\(net).\(index + 1)")
            let start = Date()
            let answer = try post(body)
            times.append(Date().timeIntervalSince(start) * 1000)
            XCTAssertEqual(answer.status, 201, answer.body)
        }
        times.sort()
        return String(format: "%.2f/%.2f ms", times[times.count / 2], times[times.count - 1])
    }
}
