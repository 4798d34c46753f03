import Hummingbird
import Logging
import ServiceLifecycle
import WardenAlerts
import WardenAllowlist
import WardenAPI
import WardenBasics
import WardenBouncers
import WardenCertificates
import WardenConfig
import WardenEngine
import WardenMachines
import WardenMetrics
import WardenModel
import WardenNotify
import WardenProfiles
import WardenStore

/// `warden run`: loads the backends (expiry sweeps on), serves the Local API (and
/// Prometheus metrics when configured), keeps the decisions in step with the store,
/// delivers the notifications profiles name, and on SIGTERM/SIGINT stops accepting
/// connections, finishes what is in flight, sends pending notifications (bounded), flushes
/// and shuts every backend down.
public struct Daemon {
    public var configPath: String
    public var logger: Logger
    public var clock: @Sendable () -> Int64
    /// How often the decisions are refreshed from the store.
    public var syncInterval: Duration

    public init(configPath: String, logger: Logger, clock: @escaping @Sendable () -> Int64 = Timestamp.now,
                syncInterval: Duration = .seconds(1)) {
        self.configPath = configPath
        self.logger = logger
        self.clock = clock
        self.syncInterval = syncInterval
    }

    /// Runs until SIGTERM or SIGINT. Throws before serving when the config or the
    /// backends are unusable, and after shutting the backends down when a server cannot
    /// listen (the caller prints the error and exits non-zero).
    public func run() async throws {
        let main = try MainConfig.load(path: configPath)
        let metrics = DaemonMetrics()
        let addresses = AddressTable(logger: logger)
        let transport = try ServerTransport.builder(for: main.api, addresses: addresses, metrics: metrics)
        if let socket = main.api.listenSocket { try UnixSocketFile.prepare(socket) }
        let allowUnsafeFiles = Environment().get(BanStore.allowUnsafeVariable) == "1"
        let store = try BanStore.open(
            main, sweepsExpiredBans: true, logger: logger, clock: clock, allowUnsafeFiles: allowUnsafeFiles,
            execution: .workers(
                observer: { backend, operation, duration, failed in
                    metrics.backendCall(backend: backend, operation: operation, duration: duration, failed: failed)
                },
                deadline: main.api.limits.storeTimeout),
            events: { backend, event, n in metrics.backendEvent(backend: backend, event: event, count: n) })
        let core: Core
        do {
            core = try await compose(main, store: store, metrics: metrics, allowUnsafeFiles: allowUnsafeFiles)
        } catch {
            // Nothing served yet: the backends still commit and close before the error is told.
            for failure in await store.shutdown() { logger.error("\(failure)") }
            throw error
        }
        let (engine, intake, bouncers, machines, allowlist, hub) = (
            core.engine, core.intake, core.bouncers, core.machines, core.allowlist, core.hub)
        await hub?.start()
        logger.info("backends loaded: \(store.backends.map(\.name).joined(separator: ", ")); \(engine.book?.count ?? 0) active decisions; \(bouncers.count) bouncer(s), \(machines.count) machine(s) registered; \(allowlist.current.entries.count) allowlist entries")

        let router = LocalAPI.router(
            engine: engine, intake: intake, bouncers: bouncers, machines: machines, allowlist: allowlist,
            trustedNetworks: main.api.trustedNetworks, loginThrottling: main.api.loginThrottling,
            autoRegistration: main.api.autoRegistration, clientCertificates: main.api.tls.map { ClientCertificateCheck(settings: $0.clientAuthentication) },
            metrics: metrics, logger: logger)
        let app = Application(
            router: router,
            server: transport,
            configuration: serverConfiguration(.hostname(main.api.host, port: main.api.port), limits: main.api.limits),
            onServerRunning: { [logger, main] channel in
                logger.info("Local API listening on \(main.api.tls == nil ? "http" : "https")://\(main.api.host):\(channel.localAddress?.port ?? main.api.port)")
                SystemdNotifier.notify("READY=1\nSTATUS=serving the Local API")
            },
            logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: Listener(
                server: app, what: "the Local API", host: main.api.host, port: main.api.port, key: "api.server.listen_uri")),
        ]
        if let socket = main.api.listenSocket {
            let socketApp = Application(
                router: router,
                server: ServerTransport.plain(for: main.api, addresses: addresses, metrics: metrics),
                configuration: serverConfiguration(.unixDomainSocket(path: socket), limits: main.api.limits),
                onServerRunning: { [logger] _ in
                    UnixSocketFile.open(socket)
                    logger.info("Local API listening on unix socket \(socket)")
                },
                logger: logger)
            services.append(.init(service: Listener(
                server: socketApp, what: "the Local API", address: socket, key: "api.server.listen_socket")))
        }
        services += [
            .init(service: BookFollower(engine: engine, interval: syncInterval)),
            .init(service: BackendWatch(store: store, metrics: metrics, threshold: .seconds(5), logger: logger)),
            .init(service: Housekeeping(bouncers: bouncers, machines: machines, allowlist: allowlist, logger: logger)),
        ]
        if let prometheus = main.prometheus {
            let endpoint = Application(
                router: MetricsEndpoint.router(
                    metrics: metrics, book: engine.book!, clock: clock,
                    beforeRender: { hub.map { DaemonNotifications.recordStatus(of: $0, into: metrics) } }),
                configuration: ApplicationConfiguration(
                    address: .hostname(prometheus.host, port: prometheus.port),
                    serverName: "warden/\(WardenVersion.number)"),
                onServerRunning: { [logger] channel in
                    logger.info("Prometheus metrics on http://\(prometheus.host):\(channel.localAddress?.port ?? prometheus.port)/metrics")
                },
                logger: logger)
            services.append(.init(service: Listener(
                server: endpoint, what: "Prometheus metrics", host: prometheus.host, port: prometheus.port,
                key: "prometheus.listen_addr/listen_port")))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        var failure: DaemonError?
        do {
            try await group.run()
        } catch let error as DaemonError {
            failure = error
        } catch {
            logger.error("the daemon stopped on an error: \(error)")
        }
        SystemdNotifier.notify("STOPPING=1")
        if let socket = main.api.listenSocket { UnixSocketFile.remove(socket) }
        // Before the backends: a notification never waits on a backend, and a plugin
        // that hangs costs at most the limit.
        await hub?.shutdown(within: DaemonNotifications.shutdownLimit)
        let failures = await engine.shutdown()
        for failure in failures { logger.error("\(failure)") }
        logger.info("stopped: every backend flushed and shut down\(failures.isEmpty ? "" : " but \(failures.count) failed (see above)")")
        if let failure { throw failure }
    }

    /// What each listener of the Local API is told: where, the server's name, and its own
    /// budget of `max_connections` (0: none).
    private func serverConfiguration(_ address: BindAddress, limits: ServerLimits) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: address, serverName: "warden/\(WardenVersion.number)",
            availableConnectionsDelegate: limits.maxConnections > 0
                ? ConnectionBudget(limit: limits.maxConnections, logger: logger) : nil)
    }

    /// What the daemon serves, composed over the opened store.
    private struct Core {
        let engine: Engine
        let intake: AlertIntake
        let bouncers: BouncerRegistry
        let machines: MachineRegistry
        let allowlist: LiveAllowlist
        let hub: NotificationHub?
    }

    /// The engine over `store` (its book read once), the registries, the allowlist, the
    /// profiles (their `outputs` checked against the loaded backends) and the notifications.
    /// - Throws: when a file is unusable; the caller shuts the store down.
    private func compose(
        _ main: MainConfig, store: BanStore, metrics: DaemonMetrics, allowUnsafeFiles: Bool
    ) async throws -> Core {
        try store.requireBackends()
        for failure in store.startAutoCommit() {
            logger.warning("\(failure); its pending writes commit at each flush only")
        }
        let identities = try IdentityTexts.open(main, logger: logger, clock: clock, allowUnsafeFiles: allowUnsafeFiles)
        let bouncers = try BouncerRegistry(
            keys: BouncerKeyFile(text: identities.bouncers),
            sightingsPath: BouncerSighting.path(besideKeys: main.api.bouncersFile), logger: logger)
        let machines = try MachineRegistry(
            file: MachineFile(text: identities.machines), tokenSecret: identities.tokenSecret,
            sightingsPath: MachineSighting.path(besideMachines: main.api.machinesFile), logger: logger)
        // What no ban may cover; reread by Housekeeping when the file changes.
        let allowlist = try LiveAllowlist(path: main.allowlistFile, logger: logger, clock: clock)
        let loaded = try profiles(main, store: store)
        let profiles = ProfileDecider(profiles: loaded, logger: logger)
        let readers = store.readers.map(\.name)
        if let problem = profiles.outputsProblem(loaded: store.backends.map(\.name), served: readers.first) {
            throw ConfigError(file: profilesPath(main) ?? "profiles.yaml", line: problem.line, problem.message)
        }
        let engine = Engine(
            store: store, allowlist: allowlist, clock: clock, followsStore: true,
            followable: profiles.backendsStoringEveryAlert(among: readers), metrics: metrics, logger: logger)
        await engine.changed()
        let hub = try DaemonNotifications.hub(main: main, profiles: loaded, metrics: metrics, logger: logger)
        let intake = AlertIntake(
            engine: engine, profiles: profiles, simulation: try simulation(main),
            notify: hub.map { DaemonNotifications.notifier($0, logger: logger) }, storeTimeout: main.api.limits.storeTimeout,
            logger: logger)
        return Core(engine: engine, intake: intake, bouncers: bouncers, machines: machines, allowlist: allowlist, hub: hub)
    }

    /// The profiles file: `api.server.profiles_path`, else `profiles.yaml` beside the main
    /// config when it exists; nil for neither.
    private func profilesPath(_ main: MainConfig) -> String? {
        let besideConfig = FileSystem.join(FileSystem.folder(of: main.path), "profiles.yaml")
        return main.api.profilesFile ?? (FileSystem.exists(besideConfig) ? besideConfig : nil)
    }

    /// Which scenarios are only simulated: `config_paths.simulation_path`, else
    /// `simulation.yaml` beside the main config; with neither, none.
    /// - Throws: ``ConfigError`` naming the file, line and key.
    private func simulation(_ main: MainConfig) throws -> SimulationConfig {
        let besideConfig = FileSystem.join(FileSystem.folder(of: main.path), "simulation.yaml")
        guard let path = main.simulationFile ?? (FileSystem.exists(besideConfig) ? besideConfig : nil) else {
            return SimulationConfig()
        }
        let config = try SimulationConfig.load(path: path)
        let mode = config.global ? "every scenario but" : "no scenario but"
        logger.info("simulation: \(mode) \(config.exclusions.sorted()) (\(path))")
        return config
    }

    /// The profiles alerts go through: `api.server.profiles_path`, else `profiles.yaml`
    /// beside the main config; with neither, CrowdSec's default profile (4h ban of the
    /// source IP of an alert that asks for remediation), as its shipped file says (nil).
    /// - Throws: ``ConfigError`` naming the file, line, profile and filter.
    private func profiles(_ main: MainConfig, store: BanStore) throws -> Profiles? {
        guard let path = profilesPath(main) else {
            let besideConfig = FileSystem.join(FileSystem.folder(of: main.path), "profiles.yaml")
            logger.info("no profiles file (\(besideConfig) or api.server.profiles_path): alerts get CrowdSec's default profile")
            return nil
        }
        let history = StoreDecisionHistory(store: store, clock: clock, logger: logger)
        let loaded = try Profiles.load(path: path, history: history, now: { [clock] in clock() / 1_000_000_000 })
        logger.info("profiles: \(loaded.profiles.map(\.config.name).joined(separator: ", ")) (\(path))")
        return loaded
    }
}
