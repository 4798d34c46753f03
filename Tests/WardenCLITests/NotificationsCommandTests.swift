import Foundation
import WardenMetricNames
import XCTest

@testable import WardenCLI

/// `warden notifications list` without a daemon: each plugin state as the list writes it,
/// read from a fixed exposition, and the row of a daemon that does not answer.
final class NotificationsCommandTests: XCTestCase {
    /// Five notifications, one per plugin state, as a daemon might expose them.
    private let exposition = """
        # TYPE warden_notifications_total counter
        warden_notifications_total{notification="slack",result="sent"} 5
        warden_notifications_total{notification="slack",result="failed"} 1
        warden_notifications_total{notification="slack",result="dropped"} 0
        # TYPE warden_notification_plugin_state gauge
        warden_notification_plugin_state{notification="slack",state="not_started"} 0
        warden_notification_plugin_state{notification="slack",state="running"} 1
        warden_notification_plugin_state{notification="slack",state="restarting"} 0
        warden_notification_plugin_state{notification="mail",state="running"} 0
        warden_notification_plugin_state{notification="mail",state="restarting"} 1
        warden_notification_plugin_state{notification="splunk",state="restarting"} 1
        warden_notification_plugin_state{notification="http",state="starting"} 1
        warden_notification_plugin_state{notification="dummy",state="stopped"} 1
        # TYPE warden_notification_plugin_pid gauge
        warden_notification_plugin_pid{notification="slack"} 4242
        warden_notification_plugin_pid{notification="mail"} 0
        # TYPE warden_notification_plugin_failures gauge
        warden_notification_plugin_failures{notification="mail"} 2
        warden_notification_plugin_failures{notification="splunk"} 1
        # TYPE warden_notification_plugin_restarts gauge
        warden_notification_plugin_restarts{notification="slack"} 3
        # TYPE warden_notification_pending gauge
        warden_notification_pending{notification="slack"} 7
        # TYPE warden_alerts_received_total counter
        warden_alerts_received_total{machine="web-1"} 7

        """

    func testEachStateAsTheListShowsIt() throws {
        let live = NotificationLive.read(try PrometheusText.parse(exposition))
        XCTAssertEqual(
            live.mapValues(\.stateText),
            [
                "slack": "running (pid 4242)", "mail": "restarting (2 failures)", "splunk": "restarting (1 failure)",
                "http": "starting", "dummy": "stopped",
            ])
        XCTAssertEqual(
            live["slack"],
            NotificationLive(
                counts: ["sent": 5, "failed": 1, "dropped": 0], state: .running, pid: 4242, restarts: 3, pending: 7))
        XCTAssertEqual(NotificationLive().stateText, "not started")
    }

    func testADaemonThatDoesNotAnswerLeavesDashes() throws {
        let cli = try CLIHarness.dummy()
        let port = try MetricsCommandTests.closedPort()
        try FileManager.default.createDirectory(atPath: cli.folder + "/notifications", withIntermediateDirectories: true)
        try "type: http\nname: http_default\nformat: '{{.}}'\n"
            .write(toFile: cli.folder + "/notifications/http.yaml", atomically: true, encoding: .utf8)
        try (String(contentsOfFile: cli.config, encoding: .utf8)
            + "config_paths:\n  plugin_dir: \(cli.folder)/plugins\nprometheus:\n  listen_port: \(port)\n")
            .write(toFile: cli.config, atomically: true, encoding: .utf8)
        let file = cli.folder + "/notifications/http.yaml"

        let human = cli.run("notifications", "list")
        XCTAssertEqual(human.out, """
            NAME          TYPE  PLUGIN   FILE\(String(repeating: " ", count: file.count - 4))  STATE  RESTARTS  SENT  FAILED  DROPPED  PENDING
            http_default  http  missing  \(file)  -      -         -     -       -        -

            """, human.err)
        XCTAssertEqual(
            cli.run("notifications", "list", "-o", "raw").out,
            "name,type,plugin,file,state,restarts,sent,failed,dropped,pending\nhttp_default,http,missing,\(file),-,-,-,-,-,-\n")
        XCTAssertEqual(cli.run("notifications", "list", "-o", "json").out, """
            [
              {
                "name": "http_default",
                "type": "http",
                "plugin": "missing",
                "file": "\(file)",
                "state": "-",
                "restarts": "-",
                "sent": "-",
                "failed": "-",
                "dropped": "-",
                "pending": "-"
              }
            ]

            """)
    }
}
