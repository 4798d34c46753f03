import Foundation
import WardenMetricNames
import WardenTesting
import XCTest

/// The daemon's Prometheus endpoint after a scripted workload: bans added and deleted by
/// the CLI in another process, bouncer pulls, refused keys. Every count is exact.
final class MetricsEndpointTests: XCTestCase {
    private var daemon: DaemonHarness!

    override func setUpWithError() throws {
        daemon = try DaemonHarness()
    }

    override func tearDown() {
        daemon = nil
    }

    private func scrape() throws -> [PrometheusSample] {
        let answer = try RawHTTP.request("GET", "/metrics", port: daemon.metricsPort)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText.parse(answer.body)
    }

    private func value(_ samples: [PrometheusSample], _ name: String, _ labels: [(String, String)] = []) -> Double? {
        samples.first { $0.name == name && $0.labels.elementsEqual(labels) { $0 == $1 } }?.value
    }

    func testAScriptedWorkloadIsCountedExactly() throws {
        let cscliSqlite = [("origin", "cscli"), ("backend", "sqlite")]
        try daemon.cli("ban", "add", "ip", "192.0.2.1", "4h", "stored before the start")
        try daemon.start()
        let atStart = try scrape()
        XCTAssertNil(value(atStart, WardenMetricNames.bansCreated, cscliSqlite), "bans stored before the start are not created ones")
        XCTAssertEqual(value(atStart, WardenMetricNames.activeBans, [("origin", "cscli"), ("scope", "Ip")]), 1)
        XCTAssertEqual(value(atStart, WardenMetricNames.allowlistRefusals), 0)
        XCTAssertEqual(
            atStart.filter { $0.name.hasPrefix("warden_notification") }.map(\.name), [],
            "no notification configured: no notification series (NotificationsDaemonTests reads them)")

        try daemon.cli("ban", "add", "ip", "192.0.2.7", "4h", "ssh")
        try daemon.cli("ban", "add", "range", "198.51.100.0/24", "1h", "scan")
        try daemon.cli("ban", "del", "ip", "192.0.2.1")
        XCTAssertTrue(try daemon.eventually(within: 5) {
            let read = try scrape()
            return value(read, WardenMetricNames.bansCreated, cscliSqlite) == 2
                && value(read, WardenMetricNames.bansDeleted, cscliSqlite) == 1
        }, "the daemon counts 2 bans created and 1 deleted within a few sync rounds: \(daemon.daemonLog)")

        let key = daemon.keyHeader
        for _ in 0..<5 { XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.7", headers: key).status, 200) }
        XCTAssertEqual(try daemon.get("/v1/decisions/stream?startup=true", headers: key).status, 200)
        for _ in 0..<2 { XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.7").status, 403) }
        XCTAssertEqual(try daemon.get("/no/such/path").status, 404)

        let read = try scrape()
        XCTAssertEqual(value(read, WardenMetricNames.bansCreated, cscliSqlite), 2)
        XCTAssertEqual(value(read, WardenMetricNames.bansDeleted, cscliSqlite), 1)
        XCTAssertEqual(value(read, WardenMetricNames.activeBans, [("origin", "cscli"), ("scope", "Ip")]), 1)
        XCTAssertEqual(value(read, WardenMetricNames.activeBans, [("origin", "cscli"), ("scope", "Range")]), 1)
        let live = [("route", "/v1/decisions"), ("method", "GET")]
        let stream = [("route", "/v1/decisions/stream"), ("method", "GET")]
        XCTAssertEqual(value(read, WardenMetricNames.apiRequests, live + [("status", "200")]), 5)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequests, live + [("status", "403")]), 2)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequests, stream + [("status", "200")]), 1)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequests, [("route", "unmatched"), ("method", "GET"), ("status", "404")]), 1)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequestDuration + "_count", live), 7)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequestDuration + "_bucket", live + [("le", "+Inf")]), 7)
        XCTAssertEqual(value(read, WardenMetricNames.bouncerPulls, [("bouncer", "test"), ("route", "/v1/decisions")]), 5)
        XCTAssertEqual(value(read, WardenMetricNames.bouncerPulls, [("bouncer", "test"), ("route", "/v1/decisions/stream")]), 1)
        let changes = [("backend", "sqlite"), ("operation", "changes")]
        XCTAssertGreaterThanOrEqual(value(read, WardenMetricNames.backendCallDuration + "_count", changes) ?? 0, 2,
                                    "the start's snapshot and at least the round that saw the changes")
        XCTAssertNil(value(read, WardenMetricNames.backendCallErrors, changes))

        let shown = try daemon.cli("metrics")
        XCTAssertEqual(shown.status, 0, shown.err)
        XCTAssertTrue(shown.out.hasPrefix("""
            Bans created and deleted since the daemon started:
            ORIGIN  BACKEND  CREATED  DELETED
            cscli   sqlite   2        1

            Active bans:
            ORIGIN  SCOPE  COUNT
            cscli   Ip     1
            cscli   Range  1

            """), shown.out)
        XCTAssertTrue(shown.out.contains("""
            Bouncer pulls:
            BOUNCER  ROUTE                 PULLS
            test     /v1/decisions         5
            test     /v1/decisions/stream  1

            """), shown.out)
        let raw = try daemon.cli("metrics", "-o", "raw").out
        XCTAssertTrue(raw.contains(#"warden_bouncer_pulls_total{bouncer="test",route="/v1/decisions"} 5"#), raw)
        let json = try daemon.cli("metrics", "-o", "json").out
        XCTAssertTrue(json.contains("""
              {
                "name": "warden_bouncer_pulls_total",
                "labels": {
                  "bouncer": "test",
                  "route": "/v1/decisions"
                },
                "value": 5
              }
            """), json)
    }

    func testTheEndpointIsOffWithoutItsSection() throws {
        try daemon.start()
        XCTAssertEqual(try RawHTTP.request("GET", "/metrics", port: daemon.metricsPort).status, 200)
        daemon.stop()
        let config = try String(contentsOfFile: daemon.config, encoding: .utf8)
        try config.replacingOccurrences(of: "prometheus:\n", with: "prometheus:\n  enabled: false\n")
            .write(toFile: daemon.config, atomically: true, encoding: .utf8)
        try daemon.start()
        XCTAssertThrowsError(try RawHTTP.request("GET", "/metrics", port: daemon.metricsPort))
        let shown = try daemon.cli("metrics")
        XCTAssertEqual(shown.status, 64)
        XCTAssertTrue(shown.err.hasSuffix("the daemon serves no metrics: the config has no 'prometheus' section, or it says enabled: false; add one (listen_addr, listen_port) and restart the daemon, or pass --url\n"), shown.err)
    }

    func testAMetricsPortHeldByAnotherProgramStopsTheDaemonWithItsAddress() throws {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(daemon.metricsPort).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let held = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(held, 0)
        XCTAssertEqual(listen(holder, 1), 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.folder + "/warden-daemon")
        process.arguments = ["-c", daemon.config]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 64)
        XCTAssertTrue(text.hasSuffix("""
            error: cannot serve Prometheus metrics on 127.0.0.1:\(daemon.metricsPort): Address already in use; change prometheus.listen_addr/listen_port, or stop what holds that address

            """), text)
    }
}
