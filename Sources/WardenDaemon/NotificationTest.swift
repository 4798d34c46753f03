import Logging
import WardenAlerts
import WardenConfig
import WardenModel
import WardenNotify

/// `warden notifications test NAME` (run as `warden-daemon test-notification NAME`): sends
/// one sample alert through the notification's real plugin, whether or not a profile
/// names it, and reports what became of it.
public struct NotificationTest {
    public var configPath: String
    public var name: String
    public var logger: Logger

    public init(configPath: String, name: String, logger: Logger) {
        self.configPath = configPath
        self.name = name
        self.logger = logger
    }

    /// The line to print once the plugin accepted the alert.
    /// - Throws: ``ConfigError`` for an unknown name or a bad file, `PluginError` for a
    ///   plugin that cannot start, ``NotificationTestFailure`` when the alert was not sent.
    public func run() async throws -> String {
        let main = try MainConfig.load(path: configPath)
        let folder = main.notifications.notificationFolder
        let configs = try DaemonNotifications.loader().load(folder: folder, started: [name])
        guard let config = configs.first(where: { $0.name == name }) else {
            let known = configs.isEmpty ? "none is defined there" : "known: \(configs.map(\.name).joined(separator: ", "))"
            throw ConfigError(
                file: folder, line: nil,
                "no notification is called '\(name)' (\(known)); give the 'name' of a file in config_paths.notification_dir")
        }
        let hub = try DaemonNotifications.makeHub([config], paths: main.notifications, metrics: nil, logger: logger)
        await hub.start()
        guard let json = DaemonNotifications.json(Self.sample(now: Timestamp.now())) else {
            throw NotificationTestFailure(message: "cannot write the sample alert as JSON")
        }
        hub.enqueue(NotifiedAlert(id: 1, json: json), to: [name])
        // Every attempt with its deadline, the backoffs between them, and a margin for the plugin to start.
        let limit = config.timeout * config.attempts + .seconds(1 << min(config.attempts, 6)) + .seconds(5)
        await hub.shutdown(within: limit)
        guard let status = hub.status().first, status.counts.sent == 1 else {
            throw NotificationTestFailure(
                message: "the sample alert was not sent through '\(name)' (plugin \(hub.status().first?.plugin ?? "?")): "
                    + "see the log lines above; check the notification's settings and that its destination answers")
        }
        return "sent a sample alert through '\(name)' (type \(status.type), plugin \(status.plugin))"
    }

    /// An alert like an agent's ban of 192.0.2.1 (documentation range), from machine `warden`.
    static func sample(now: Int64) -> Alert {
        let at = Timestamp.rfc3339(now)
        let ip = "192.0.2.1"
        return Alert(
            capacity: 0, createdAt: at,
            decisions: [
                AlertDecision(
                    duration: "4h", origin: "crowdsec", scenario: "warden/notification-test", scope: "Ip", type: "ban",
                    value: ip)
            ],
            events: [], eventsCount: 1, id: 1, labels: nil, leakspeed: "0", machineID: "warden",
            message: "test alert sent by 'warden notifications test'", remediation: true,
            scenario: "warden/notification-test", scenarioHash: "", scenarioVersion: "", simulated: false,
            source: AlertSource(ip: ip, scope: "Ip", value: ip), startAt: at, stopAt: at)
    }
}

/// The sample alert of `warden notifications test` was not sent.
public struct NotificationTestFailure: WardenError {
    public var category: ErrorCategory { .runtime }
    public var message: String
    public var description: String { message }
}
