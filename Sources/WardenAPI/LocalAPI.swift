import Hummingbird
import Logging
import WardenAllowlist
import WardenCertificates
import WardenConfig
import WardenEngine
import WardenMetricNames
import WardenMetrics
import WardenModel

/// The Local API's routes, as CrowdSec's bouncers call them (the README's "Local API"
/// section gives each wire shape):
/// - `GET /health`: `{"status":"up"}`, no key.
/// - `GET`/`HEAD /v1/decisions`, `GET`/`HEAD /v1/decisions/stream`: bouncer key.
/// - `POST /v1/usage-metrics`: bouncer key; what the bouncer reports it did is summed per
///   bouncer instance into ``WardenMetricNames/bouncerUsage``; 201, no body.
/// - `POST /v1/watchers`, `POST /v1/watchers/login`: machines (agents, `cscli`), no token;
///   failed logins are throttled per address and machine name (``MachineLogin``, 429). A
///   TLS client certificate logs a machine in without a password (``PeerCertificate``).
/// - With `clientCertificates`, a client's verified TLS certificate identifies it instead of
///   its key or password, as ``ClientCertificateCheck`` decides.
/// - `GET /v1/heartbeat`, `POST /v1/alerts`, `DELETE /v1/watchers/self`: machine token (JWT).
/// - `GET /v1/allowlists…`, `POST /v1/allowlists/check`: machine token (``AllowlistRoutes``).
/// - `GET /v1/alerts`, `GET /v1/alerts/:id`, `DELETE /v1/alerts`, `DELETE /v1/decisions`,
///   `DELETE /v1/alerts/:id`, `DELETE /v1/decisions/:id`: machine token (``AlertHistoryRoutes``);
///   deleting alerts also needs a trusted peer (127.0.0.1, ::1, `trustedNetworks`).
/// Unknown paths: 404 with no body; a known path with another method: 405 with no body.
/// Every request is counted and timed into `metrics`; each pull, per bouncer.
public enum LocalAPI {
    /// The router of the whole API, over `engine` (which must keep a decision book:
    /// `followsStore`), with alerts received by `intake`.
    public static func router(
        engine: Engine, intake: AlertIntake, bouncers: BouncerRegistry, machines: MachineRegistry,
        allowlist: LiveAllowlist, trustedNetworks: [BanTarget] = [], loginThrottling: LoginThrottling = LoginThrottling(),
        autoRegistration: AutoRegistration? = nil,
        clientCertificates: ClientCertificateCheck? = nil, metrics: DaemonMetrics, logger: Logger
    ) -> Router<APIRequestContext> {
        guard let book = engine.book else { preconditionFailure("the Local API needs an engine that keeps a decision book") }
        let clock = engine.clock
        let history = AlertHistory(engine: engine)
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: RequestLogMiddleware(logger: logger, clock: clock))
        router.get("health") { _, _ in Response.json(Array(#"{"status":"up"}"#.utf8)) }
        // Machine routes first: the bouncer group's middleware would refuse them without a key.
        let machineRoutes = router.group("v1")
        let tokenRoutes = router.group("v1").add(middleware: MachineAuthMiddleware(registry: machines, clock: clock))
        let logins = MachineLogin(registry: machines, policy: loginThrottling, engine: engine, logger: logger)
        MachineRoutes(
            registry: machines, logins: logins, autoRegistration: autoRegistration, certificates: clientCertificates,
            logger: logger, clock: clock
        ).register(on: machineRoutes, authenticated: tokenRoutes)
        AlertRoutes(intake: intake).register(on: tokenRoutes)
        AlertHistoryRoutes(history: history, trustedNetworks: trustedNetworks, clock: clock).register(on: tokenRoutes)
        AllowlistRoutes(allowlist: allowlist).register(on: tokenRoutes)
        let bouncerRoutes = router.group("v1").add(
            middleware: BouncerAuthMiddleware(registry: bouncers, certificates: clientCertificates, logger: logger, clock: clock))
        DecisionRoutes(book: book, metrics: metrics, clock: clock).register(on: bouncerRoutes)
        bouncerRoutes.post("usage-metrics") { request, context -> Response in
            let report = try UsageReport.parse(Array(buffer: try await request.decodedBody(upTo: 1 << 20)))
            let bouncer = context.bouncer ?? ""
            var dropped = 0
            for count in report.counts {
                let kept = metrics.bouncerUsage(
                    bouncer: bouncer, name: count.name, unit: count.unit, origin: count.origin,
                    remediation: count.remediation, value: count.value)
                if !kept { dropped += 1 }
            }
            if dropped > 0 {
                logger.warning(
                    "usage metrics of bouncer '\(bouncer)': \(dropped) item(s) not counted, past \(WardenMetricNames.usageSeriesPerBouncer) series of one bouncer")
            }
            return Response(status: .created)
        }
        return router
    }
}
