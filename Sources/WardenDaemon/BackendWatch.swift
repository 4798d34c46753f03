import Logging
import ServiceLifecycle
import WardenMetrics
import WardenStore

/// Says which backend is sick while it is: once a second it looks at the call each
/// backend's worker is in, sets ``WardenMetricNames/backendCallRunning`` to its age, and
/// logs a warning when a call has run for `threshold` (once per call) and a line when that
/// call returns. Requests that need the backend get its name in their error after
/// `api.server.store_timeout`; bouncers are served from memory throughout.
struct BackendWatch: Service {
    let store: BanStore
    let metrics: DaemonMetrics
    let threshold: Duration
    let logger: Logger

    func run() async throws {
        var reported: [String: BanStore.RunningCall] = [:]
        for backend in store.backends { metrics.setBackendCallRunning(backend: backend.name, seconds: 0) }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = ContinuousClock.now
            let running = Dictionary(store.runningCalls.map { ($0.backend, $0) }, uniquingKeysWith: { first, _ in first })
            for backend in store.backends.map(\.name) {
                let call = running[backend]
                let age = call.map { now - $0.started } ?? .zero
                metrics.setBackendCallRunning(backend: backend, seconds: Double(age.components.seconds))
                if let previous = reported[backend], previous != call {
                    logger.info(
                        "backend \"\(backend)\": its \(previous.operation) call returned after \(BanStore.seconds(now - previous.started)) s")
                    reported[backend] = nil
                }
                if let call, age >= threshold, reported[backend] == nil {
                    logger.warning(
                        "backend \"\(backend)\": its \(call.operation) call has been running for \(BanStore.seconds(age)) s; requests that need this backend are answered 500 after api.server.store_timeout, bouncers are served from memory")
                    reported[backend] = call
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
