import CoreMetrics
import Prometheus
import Synchronization
import WardenMetricNames

/// The daemon's metrics: swift-metrics handles made by a Prometheus factory on a
/// registry of its own (no global `MetricsSystem.bootstrap`, so every daemon and every
/// test has its own), exported as Prometheus text by ``exposition()``. Names and labels
/// come from ``WardenMetricNames``. Thread-safe.
///
/// Labelled handles are made once per label set and kept, so a request pays one
/// dictionary lookup under a lock and the atomic updates, never the registry's
/// name checks. Calling a handle's accessor (``alerts(machine:)``,
/// ``notifications(_:)``) makes its series appear at 0 before anything is counted.
public final class DaemonMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let handles = Mutex(Handles())

    /// Decisions dropped because their target is allowlisted (every path of the API).
    public let allowlistRefusals: CoreMetrics.Counter

    /// The counters of one notification config.
    public struct NotificationCounters: Sendable {
        public let sent: CoreMetrics.Counter
        public let failed: CoreMetrics.Counter
        public let dropped: CoreMetrics.Counter
    }

    /// What one notification's plugin and queue look like now, for its gauges.
    public struct NotificationGauges: Sendable, Equatable {
        public var state: WardenMetricNames.PluginStateValue
        /// The plugin's process id while it runs, else 0.
        public var pid: Int
        /// Failures in a row while restarting, else 0.
        public var failures: Int
        public var restarts: Int
        public var pending: Int

        public init(
            state: WardenMetricNames.PluginStateValue, pid: Int = 0, failures: Int = 0, restarts: Int = 0, pending: Int = 0
        ) {
            self.state = state
            self.pid = pid
            self.failures = failures
            self.restarts = restarts
            self.pending = pending
        }
    }

    private struct Handles {
        /// Per request: one lookup for both handles, keyed without building label arrays.
        var requests: [RequestKey: (count: CoreMetrics.Counter, time: CoreMetrics.Timer)] = [:]
        var counters: [Series: CoreMetrics.Counter] = [:]
        var timers: [Series: CoreMetrics.Timer] = [:]
        var gauges: [Series: CoreMetrics.Gauge] = [:]
        /// The active-bans series ever set, so a pair that dropped to none reads 0.
        var activeSeries: Set<Series> = []
    }

    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    /// A metric name with its label values, in the order the name's labels are defined.
    private struct Series: Hashable {
        let name: String
        let labels: [String]
    }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // The API answers in microseconds and a backend call in about a millisecond:
        // the library's default buckets start at 5 ms and would put everything in the first.
        let fine: [Duration] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .microseconds(2_500_000),
            .seconds(5),
        ]
        factory.defaultDurationHistogramBuckets = fine
        self.factory = factory
        allowlistRefusals = CoreMetrics.Counter(label: WardenMetricNames.allowlistRefusals, factory: factory)
        // Every login result and close reason reads 0 before the first one happens.
        for result in WardenMetricNames.loginResults { _ = counter(WardenMetricNames.machineLogins, [("result", result)]) }
        for reason in WardenMetricNames.connectionCloseReasons {
            _ = counter(WardenMetricNames.apiConnectionsClosed, [("reason", reason)])
        }
    }

    /// The registry's samples as Prometheus text (version 0.0.4).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    // MARK: Connections and logins

    /// Counts a machine login answered with `result` (one of ``WardenMetricNames/loginResults``).
    public func machineLogin(result: String) {
        counter(WardenMetricNames.machineLogins, [("result", result)]).increment()
    }

    /// Counts a connection closed for `reason` (one of ``WardenMetricNames/connectionCloseReasons``).
    public func connectionClosed(reason: String) {
        counter(WardenMetricNames.apiConnectionsClosed, [("reason", reason)]).increment()
    }

    // MARK: Bans

    /// Counts `count` bans created from `origin` in `backend`.
    public func bansCreated(origin: String, backend: String, count: Int = 1) {
        counter(WardenMetricNames.bansCreated, [("origin", origin), ("backend", backend)]).increment(by: Int64(count))
    }

    /// Counts `count` bans deleted from `origin` in `backend`.
    public func bansDeleted(origin: String, backend: String, count: Int = 1) {
        counter(WardenMetricNames.bansDeleted, [("origin", origin), ("backend", backend)]).increment(by: Int64(count))
    }

    /// Sets the active bans per (origin, scope) to `counts`; pairs seen before and
    /// absent now read 0 (a series that vanished would look like missing data).
    public func setActiveBans(_ counts: [(origin: String, scope: String, count: Int)]) {
        let name = WardenMetricNames.activeBans
        var fresh = Set<Series>()
        for entry in counts {
            gauge(name, [("origin", entry.origin), ("scope", entry.scope)]).record(entry.count)
            fresh.insert(Series(name: name, labels: [entry.origin, entry.scope]))
        }
        let gone = handles.withLock { handles -> [CoreMetrics.Gauge] in
            let gone = handles.activeSeries.subtracting(fresh).compactMap { handles.gauges[$0] }
            handles.activeSeries.formUnion(fresh)
            return gone
        }
        for gauge in gone { gauge.record(0) }
    }

    // MARK: The Local API

    /// Counts one API request answered with `status` after `duration`.
    public func request(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        let pair = handles.withLock { $0.requests[key] } ?? {
            let made = (
                count: counter(
                    WardenMetricNames.apiRequests, [("route", route), ("method", method), ("status", String(status))]),
                time: timer(WardenMetricNames.apiRequestDuration, [("route", route), ("method", method)])
            )
            handles.withLock { $0.requests[key] = made }
            return made
        }()
        pair.count.increment()
        pair.time.recordNanoseconds(nanoseconds(duration))
    }

    /// Counts one pull of decisions by `bouncer` on `route`.
    public func bouncerPull(bouncer: String, route: String) {
        counter(WardenMetricNames.bouncerPulls, [("bouncer", bouncer), ("route", route)]).increment()
    }

    /// Adds `value` to what `bouncer` reports of `name` (in `unit`) for `origin` and
    /// `remediation`. Returns false, counting nothing, when the bouncer already has
    /// ``WardenMetricNames/usageSeriesPerBouncer`` other series.
    @discardableResult
    public func bouncerUsage(
        bouncer: String, name: String, unit: String, origin: String, remediation: String, value: Int
    ) -> Bool {
        let labels = [("bouncer", bouncer), ("name", name), ("unit", unit), ("origin", origin), ("remediation", remediation)]
        let series = Series(name: WardenMetricNames.bouncerUsage, labels: labels.map(\.1))
        let known = handles.withLock { handles in
            handles.counters[series] != nil
                || handles.counters.keys.filter {
                    $0.name == WardenMetricNames.bouncerUsage && $0.labels.first == bouncer
                }.count < WardenMetricNames.usageSeriesPerBouncer
        }
        guard known else { return false }
        counter(WardenMetricNames.bouncerUsage, labels).increment(by: value)
        return true
    }

    // MARK: Backends

    /// Records one call into `backend`, how long it took and whether it failed.
    public func backendCall(backend: String, operation: String, duration: Duration, failed: Bool) {
        let labels = [("backend", backend), ("operation", operation)]
        timer(WardenMetricNames.backendCallDuration, labels).recordNanoseconds(nanoseconds(duration))
        if failed { counter(WardenMetricNames.backendCallErrors, labels).increment() }
    }

    /// Adds `count` to what `backend` counted of `event` (ABI 1.3 `count`; the host checked the name).
    public func backendEvent(backend: String, event: String, count: UInt64) {
        counter(WardenMetricNames.backendEvents, [("backend", backend), ("event", event)]).increment(by: Int64(clamping: count))
    }

    /// Sets how long `backend`'s current call has been running (0: idle).
    public func setBackendCallRunning(backend: String, seconds: Double) {
        gauge(WardenMetricNames.backendCallRunning, [("backend", backend)]).record(seconds)
    }

    // MARK: Alerts and notifications

    /// The counter of alerts received from `machine` (its series appears at 0 once asked for).
    public func alerts(machine: String) -> CoreMetrics.Counter {
        counter(WardenMetricNames.alertsReceived, [("machine", machine)])
    }

    /// The sent/failed/dropped counters of the notification config `name` (all three
    /// series appear at 0 once asked for).
    public func notifications(_ name: String) -> NotificationCounters {
        let results = WardenMetricNames.notificationResults.map {
            counter(WardenMetricNames.notifications, [("notification", name), ("result", $0)])
        }
        return NotificationCounters(sent: results[0], failed: results[1], dropped: results[2])
    }

    /// Sets the plugin and queue gauges of the notification config `name`: its state
    /// series (1 for `gauges.state`, 0 for the other states), pid, failures, restarts, pending.
    public func setNotification(_ name: String, _ gauges: NotificationGauges) {
        let of = [("notification", name)]
        for state in WardenMetricNames.PluginStateValue.allCases {
            gauge(WardenMetricNames.notificationPluginState, of + [("state", state.rawValue)])
                .record(state == gauges.state ? 1 : 0)
        }
        gauge(WardenMetricNames.notificationPluginPid, of).record(gauges.pid)
        gauge(WardenMetricNames.notificationPluginFailures, of).record(gauges.failures)
        gauge(WardenMetricNames.notificationPluginRestarts, of).record(gauges.restarts)
        gauge(WardenMetricNames.notificationPending, of).record(gauges.pending)
    }

    // MARK: Handles

    private func counter(_ name: String, _ labels: [(String, String)]) -> CoreMetrics.Counter {
        handle(\.counters, name, labels) { CoreMetrics.Counter(label: name, dimensions: labels, factory: factory) }
    }

    private func timer(_ name: String, _ labels: [(String, String)]) -> CoreMetrics.Timer {
        handle(\.timers, name, labels) { CoreMetrics.Timer(label: name, dimensions: labels, factory: factory) }
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> CoreMetrics.Gauge {
        handle(\.gauges, name, labels) { CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory) }
    }

    /// The handle of the series `name` with `labels` in `table`, made by `make` the first
    /// time (outside the lock; when two callers race, the first one kept wins).
    private func handle<Handle: Sendable>(
        _ table: WritableKeyPath<Handles, [Series: Handle]>, _ name: String, _ labels: [(String, String)],
        make: () -> Handle
    ) -> Handle {
        let series = Series(name: name, labels: labels.map(\.1))
        if let held = handles.withLock({ $0[keyPath: table][series] }) { return held }
        let made = make()
        return handles.withLock { handles in
            if let held = handles[keyPath: table][series] { return held }
            handles[keyPath: table][series] = made
            return made
        }
    }
}

private func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
}
