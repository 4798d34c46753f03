import WardenMetricNames
import WardenMetrics
import XCTest

/// ``DaemonMetrics`` as Prometheus reads it: names, labels, values, and the series that
/// must exist at 0 before anything happens.
final class DaemonMetricsTests: XCTestCase {
    private func samples(_ metrics: DaemonMetrics) throws -> [PrometheusSample] {
        try PrometheusText.parse(String(decoding: metrics.exposition(), as: UTF8.self))
    }

    private func value(_ samples: [PrometheusSample], _ name: String, _ labels: [(String, String)] = []) -> Double? {
        samples.first { $0.name == name && $0.labels.elementsEqual(labels) { $0 == $1 } }?.value
    }

    func testTheCountersOtherPartsIncrementExistAtZero() throws {
        let metrics = DaemonMetrics()
        let fresh = try samples(metrics)
        XCTAssertEqual(fresh.count, 1 + WardenMetricNames.loginResults.count + WardenMetricNames.connectionCloseReasons.count)
        XCTAssertEqual(value(fresh, WardenMetricNames.allowlistRefusals), 0)
        for result in WardenMetricNames.loginResults {
            XCTAssertEqual(value(fresh, WardenMetricNames.machineLogins, [("result", result)]), 0, result)
        }
        for reason in WardenMetricNames.connectionCloseReasons {
            XCTAssertEqual(value(fresh, WardenMetricNames.apiConnectionsClosed, [("reason", reason)]), 0, reason)
        }
        _ = metrics.alerts(machine: "agent-1")
        let mail = metrics.notifications("mail")
        let before = try samples(metrics)
        XCTAssertEqual(value(before, WardenMetricNames.alertsReceived, [("machine", "agent-1")]), 0)
        for result in ["sent", "failed", "dropped"] {
            XCTAssertEqual(value(before, WardenMetricNames.notifications, [("notification", "mail"), ("result", result)]), 0)
        }
        metrics.alerts(machine: "agent-1").increment(by: 3)
        mail.dropped.increment()
        metrics.allowlistRefusals.increment()
        let after = try samples(metrics)
        XCTAssertEqual(value(after, WardenMetricNames.alertsReceived, [("machine", "agent-1")]), 3)
        XCTAssertEqual(value(after, WardenMetricNames.notifications, [("notification", "mail"), ("result", "dropped")]), 1)
        XCTAssertEqual(value(after, WardenMetricNames.allowlistRefusals), 1)
    }

    func testANotificationsPluginStateIsOneSeriesAtOneOfFive() throws {
        let metrics = DaemonMetrics()
        let mail = [("notification", "mail")]
        let state = { (samples: [PrometheusSample], value: String) in
            self.value(samples, WardenMetricNames.notificationPluginState, mail + [("state", value)])
        }
        metrics.setNotification("mail", .init(state: .running, pid: 4242, restarts: 2, pending: 3))
        let running = try samples(metrics)
        XCTAssertEqual(
            WardenMetricNames.PluginStateValue.allCases.map { state(running, $0.rawValue) },
            [0, 0, 1, 0, 0], "not_started, starting, running, restarting, stopped")
        XCTAssertEqual(value(running, WardenMetricNames.notificationPluginPid, mail), 4242)
        XCTAssertEqual(value(running, WardenMetricNames.notificationPluginFailures, mail), 0)
        XCTAssertEqual(value(running, WardenMetricNames.notificationPluginRestarts, mail), 2)
        XCTAssertEqual(value(running, WardenMetricNames.notificationPending, mail), 3)

        metrics.setNotification("mail", .init(state: .restarting, failures: 2, restarts: 3))
        let restarting = try samples(metrics)
        XCTAssertEqual(WardenMetricNames.PluginStateValue.allCases.map { state(restarting, $0.rawValue) }, [0, 0, 0, 1, 0])
        XCTAssertEqual(value(restarting, WardenMetricNames.notificationPluginPid, mail), 0)
        XCTAssertEqual(value(restarting, WardenMetricNames.notificationPluginFailures, mail), 2)
        XCTAssertEqual(value(restarting, WardenMetricNames.notificationPluginRestarts, mail), 3)
        XCTAssertEqual(value(restarting, WardenMetricNames.notificationPending, mail), 0)
    }

    func testRequestsAreCountedPerStatusAndTimedPerRoute() throws {
        let metrics = DaemonMetrics()
        metrics.request(route: "/v1/decisions", method: "GET", status: 200, duration: .microseconds(80))
        metrics.request(route: "/v1/decisions", method: "GET", status: 200, duration: .microseconds(120))
        metrics.request(route: "/v1/decisions", method: "GET", status: 403, duration: .milliseconds(2))
        let read = try samples(metrics)
        let route = [("route", "/v1/decisions"), ("method", "GET")]
        XCTAssertEqual(value(read, WardenMetricNames.apiRequests, route + [("status", "200")]), 2)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequests, route + [("status", "403")]), 1)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequestDuration + "_count", route), 3)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequestDuration + "_sum", route)!, 0.0022, accuracy: 1e-9)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequestDuration + "_bucket", route + [("le", "0.0001")]), 1)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequestDuration + "_bucket", route + [("le", "0.00025")]), 2)
        XCTAssertEqual(value(read, WardenMetricNames.apiRequestDuration + "_bucket", route + [("le", "+Inf")]), 3)
    }

    func testBackendCallsCountErrorsOnlyWhenOneFailed() throws {
        let metrics = DaemonMetrics()
        metrics.backendCall(backend: "sqlite", operation: "changes", duration: .microseconds(300), failed: false)
        metrics.backendCall(backend: "sqlite", operation: "insert", duration: .milliseconds(1), failed: true)
        let read = try samples(metrics)
        let changes = [("backend", "sqlite"), ("operation", "changes")]
        let insert = [("backend", "sqlite"), ("operation", "insert")]
        XCTAssertEqual(value(read, WardenMetricNames.backendCallDuration + "_count", changes), 1)
        XCTAssertEqual(value(read, WardenMetricNames.backendCallDuration + "_count", insert), 1)
        XCTAssertNil(value(read, WardenMetricNames.backendCallErrors, changes))
        XCTAssertEqual(value(read, WardenMetricNames.backendCallErrors, insert), 1)
    }

    func testAnOriginWhoseBansAllEndedReadsZero() throws {
        let metrics = DaemonMetrics()
        metrics.setActiveBans([("cscli", "Ip", 2), ("crowdsec", "Range", 1)])
        metrics.setActiveBans([("cscli", "Ip", 1)])
        let read = try samples(metrics)
        XCTAssertEqual(value(read, WardenMetricNames.activeBans, [("origin", "cscli"), ("scope", "Ip")]), 1)
        XCTAssertEqual(value(read, WardenMetricNames.activeBans, [("origin", "crowdsec"), ("scope", "Range")]), 0)
    }

    func testBansCreatedAndDeletedAddUp() throws {
        let metrics = DaemonMetrics()
        metrics.bansCreated(origin: "cscli", backend: "sqlite", count: 2)
        metrics.bansCreated(origin: "cscli", backend: "sqlite")
        metrics.bansDeleted(origin: "crowdsec", backend: "mysql")
        let read = try samples(metrics)
        XCTAssertEqual(value(read, WardenMetricNames.bansCreated, [("origin", "cscli"), ("backend", "sqlite")]), 3)
        XCTAssertEqual(value(read, WardenMetricNames.bansDeleted, [("origin", "crowdsec"), ("backend", "mysql")]), 1)
    }
}
