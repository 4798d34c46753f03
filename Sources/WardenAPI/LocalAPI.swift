import Hummingbird
import Logging
import WardenMetrics
import WardenModel

/// The Local API's routes, as CrowdSec's bouncers call them (the README's "Local API"
/// section gives each wire shape):
/// - `GET /health`: `{"status":"up"}`, no key.
/// - `GET`/`HEAD /v1/decisions`, `GET`/`HEAD /v1/decisions/stream`: bouncer key.
/// - `POST /v1/usage-metrics`: bouncer key; accepted and logged.
/// - `POST /v1/watchers`, `POST /v1/watchers/login`: machines (agents, `cscli`), no token.
/// - `GET /v1/heartbeat`, `POST /v1/alerts`: machine token (JWT).
/// - `GET /v1/alerts`, `GET /v1/alerts/:id`, `DELETE /v1/alerts`, `DELETE /v1/decisions`,
///   `DELETE /v1/alerts/:id`, `DELETE /v1/decisions/:id`: machine token (``AlertHistoryRoutes``);
///   deleting alerts also needs a trusted peer (127.0.0.1, ::1, `trustedNetworks`).
/// Unknown paths: 404 with no body; a known path with another method: 405 with no body.
/// Every request is counted and timed into `metrics`; each pull, per bouncer.
public enum LocalAPI {
    /// The router of the whole API.
    public static func router(
        book: DecisionBook, bouncers: BouncerRegistry, machines: MachineRegistry, intake: AlertIntake,
        history: AlertHistory, trustedNetworks: [BanTarget] = [],
        metrics: DaemonMetrics, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: RequestLogMiddleware(logger: logger, clock: clock))
        router.get("health") { _, _ in Response.json(Array(#"{"status":"up"}"#.utf8)) }
        // Machine routes first: the bouncer group's middleware would refuse them without a key.
        let machineRoutes = router.group("v1")
        let tokenRoutes = router.group("v1").add(middleware: MachineAuthMiddleware(registry: machines, clock: clock))
        MachineRoutes(registry: machines, clock: clock, logger: logger).register(on: machineRoutes, authenticated: tokenRoutes)
        AlertRoutes(intake: intake).register(on: tokenRoutes)
        AlertHistoryRoutes(history: history, trustedNetworks: trustedNetworks, clock: clock).register(on: tokenRoutes)
        let bouncerRoutes = router.group("v1").add(middleware: BouncerAuthMiddleware(registry: bouncers, clock: clock))
        DecisionRoutes(book: book, metrics: metrics, clock: clock).register(on: bouncerRoutes)
        bouncerRoutes.post("usage-metrics") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            logger.debug("usage metrics from bouncer \(context.bouncer ?? "?"): \(body.readableBytes) bytes")
            return Response(status: .created)
        }
        return router
    }
}
