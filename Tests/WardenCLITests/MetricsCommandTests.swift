import Foundation
import WardenMetricNames
import XCTest

@testable import WardenCLI

/// `warden metrics`: the tables printed for a fixed exposition, and each error.
final class MetricsCommandTests: XCTestCase {
    /// What a daemon might answer, out of order as the registry emits it.
    private let exposition = """
        # TYPE warden_api_requests_total counter
        warden_api_requests_total{route="/v1/decisions/stream",method="GET",status="200"} 12
        warden_api_requests_total{route="/v1/decisions",method="GET",status="200"} 1500
        warden_api_requests_total{route="/v1/decisions",method="GET",status="403"} 3
        warden_api_requests_total{route="unmatched",method="GET",status="404"} 1
        # TYPE warden_api_request_duration_seconds histogram
        warden_api_request_duration_seconds_bucket{route="/v1/decisions",method="GET",le="+Inf"} 1503
        warden_api_request_duration_seconds_sum{route="/v1/decisions",method="GET"} 0.1503
        warden_api_request_duration_seconds_count{route="/v1/decisions",method="GET"} 1503
        warden_api_request_duration_seconds_sum{route="/v1/decisions/stream",method="GET"} 0.0264
        warden_api_request_duration_seconds_count{route="/v1/decisions/stream",method="GET"} 12
        # TYPE warden_bans_created_total counter
        warden_bans_created_total{origin="cscli",backend="sqlite"} 4
        warden_bans_created_total{origin="crowdsec",backend="sqlite"} 10
        # TYPE warden_bans_deleted_total counter
        warden_bans_deleted_total{origin="cscli",backend="sqlite"} 1
        # TYPE warden_active_bans gauge
        warden_active_bans{origin="crowdsec",scope="Ip"} 9
        warden_active_bans{origin="cscli",scope="Range"} 0
        warden_active_bans{origin="cscli",scope="Ip"} 3
        # TYPE warden_bouncer_pulls_total counter
        warden_bouncer_pulls_total{bouncer="fw",route="/v1/decisions/stream"} 12
        warden_bouncer_pulls_total{bouncer="nginx",route="/v1/decisions"} 1500
        # TYPE warden_backend_call_duration_seconds histogram
        warden_backend_call_duration_seconds_sum{backend="sqlite",operation="changes"} 0.9
        warden_backend_call_duration_seconds_count{backend="sqlite",operation="changes"} 600
        warden_backend_call_duration_seconds_sum{backend="sqlite",operation="shutdown"} 2.5
        warden_backend_call_duration_seconds_count{backend="sqlite",operation="shutdown"} 1
        # TYPE warden_backend_call_errors_total counter
        warden_backend_call_errors_total{backend="sqlite",operation="changes"} 2
        # TYPE warden_alerts_received_total counter
        warden_alerts_received_total{machine="web-1"} 7
        # TYPE warden_notifications_total counter
        warden_notifications_total{notification="slack",result="sent"} 5
        warden_notifications_total{notification="slack",result="failed"} 1
        warden_notifications_total{notification="slack",result="dropped"} 0
        # TYPE warden_allowlist_refusals_total counter
        warden_allowlist_refusals_total 2

        """

    func testTablesForAFixedExposition() throws {
        XCTAssertEqual(MetricsTables.render(try PrometheusText.parse(exposition)), """
            Bans created and deleted since the daemon started:
            ORIGIN    BACKEND  CREATED  DELETED
            crowdsec  sqlite   10       0
            cscli     sqlite   4        1

            Active bans:
            ORIGIN    SCOPE  COUNT
            crowdsec  Ip     9
            cscli     Ip     3

            Local API requests:
            ROUTE                 METHOD  STATUS  HITS  AVG TIME
            /v1/decisions         GET     200     1500  100µs
            /v1/decisions         GET     403     3     100µs
            /v1/decisions/stream  GET     200     12    2.2ms
            unmatched             GET     404     1     -

            Bouncer pulls:
            BOUNCER  ROUTE                 PULLS
            fw       /v1/decisions/stream  12
            nginx    /v1/decisions         1500

            Backend calls:
            BACKEND  OPERATION  CALLS  ERRORS  AVG TIME
            sqlite   changes    600    2       1.5ms
            sqlite   shutdown   1      0       2.50s

            Alerts received:
            MACHINE  ALERTS
            web-1    7

            Notifications:
            NOTIFICATION  SENT  FAILED  DROPPED
            slack         5     1       0

            Allowlist refusals: 2

            """)
    }

    func testNothingCountedYet() throws {
        let fresh = "# TYPE warden_allowlist_refusals_total counter\nwarden_allowlist_refusals_total 0\n"
        XCTAssertEqual(
            MetricsTables.render(try PrometheusText.parse(fresh)),
            "Nothing counted yet: no ban changed and no request was answered since the daemon started.\n")
    }

    func testADaemonThatIsNotRunningIsSaidSo() throws {
        let cli = try CLIHarness.dummy()
        let port = try Self.closedPort()
        let result = cli.run("metrics", "--url", "http://127.0.0.1:\(port)/metrics")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, """
            error: cannot read the daemon's metrics at http://127.0.0.1:\(port)/metrics: Connection refused; is 'warden run' running with the 'prometheus' section of its config? (--url reads another address)

            """)
    }

    func testAConfigWithoutPrometheusNamesTheSection() throws {
        let cli = try CLIHarness.dummy()
        let result = cli.run("metrics")
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.err, """
            error: \(cli.config): the daemon serves no metrics: the config has no 'prometheus' section, or it says enabled: false; add one (listen_addr, listen_port) and restart the daemon, or pass --url

            """)
    }

    func testTheEndpointComesFromTheConfig() throws {
        let cli = try CLIHarness.dummy()
        let port = try Self.closedPort()
        try (String(contentsOfFile: cli.config, encoding: .utf8) + "prometheus:\n  listen_addr: 0.0.0.0\n  listen_port: \(port)\n")
            .write(toFile: cli.config, atomically: true, encoding: .utf8)
        XCTAssertTrue(cli.run("metrics").err.hasPrefix("error: cannot read the daemon's metrics at http://127.0.0.1:\(port)/metrics: "))
        XCTAssertEqual(cli.run("metrics", "--url", "https://127.0.0.1/metrics").err.split(separator: ";").first,
                       "error: cannot read the daemon's metrics at https://127.0.0.1/metrics: only http:// URLs are supported")
    }

    /// A loopback port nothing listens on (bound, read back, released).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw XCTSkip("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
