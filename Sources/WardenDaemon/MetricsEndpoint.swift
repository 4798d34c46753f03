import Hummingbird
import WardenAPI
import WardenConfig
import WardenEngine
import WardenMetrics

/// The Prometheus endpoint, on a listener of its own (`prometheus.listen_addr` and
/// `listen_port`), apart from the Local API: a scrape never queues behind bouncers, and
/// the metrics can stay on loopback while the API listens on every address.
enum MetricsEndpoint {
    /// The router: `GET /metrics` answers the Prometheus text of `metrics`, the active
    /// bans read from `book` at that moment. `beforeRender` runs before each scrape is
    /// rendered, to set gauges read from elsewhere (the notifications' plugin states):
    /// they are read when asked for, with no timer.
    static func router(
        metrics: DaemonMetrics, book: DecisionBook, clock: @escaping @Sendable () -> Int64,
        beforeRender: @escaping @Sendable () -> Void = {}
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            metrics.setActiveBans(
                book.activeTally(now: clock()).counts.map { (origin: $0.key.origin, scope: $0.key.scope, count: $0.value) })
            beforeRender()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        return router
    }
}
