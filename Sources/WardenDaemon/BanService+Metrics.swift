import WardenMetrics
import WardenStore

extension BanService {
    /// A service whose every backend call is timed into `metrics` (and counted when it fails).
    convenience init(store: BanStore, metrics: DaemonMetrics) {
        self.init(store: store) { backend, operation, duration, failed in
            metrics.backendCall(backend: backend, operation: operation, duration: duration, failed: failed)
        }
    }
}
