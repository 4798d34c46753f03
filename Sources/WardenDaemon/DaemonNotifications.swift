import FoundationEssentials
import Glibc
import Logging
import WardenAlerts
import WardenAPI
import WardenConfig
import WardenEngine
import WardenMetricNames
import WardenMetrics
import WardenNotify
import WardenProfiles

/// The daemon's side of notifications: the configs of `config_paths.notification_dir`
/// that some profile names, delivered by a ``NotificationHub`` whose outcomes are counted
/// in the metrics, and fed by alert intake without waiting.
enum DaemonNotifications {
    /// How long shutdown gives pending notifications before the backends shut down;
    /// what is still unsent then is logged with its alert ids and counted as dropped.
    static let shutdownLimit: Duration = .seconds(10)

    /// The hub for the notifications `profiles` name; nil when none names one, so no plugin runs.
    /// - Throws: ``ConfigError`` for a notification file, or a profile naming a notification
    ///   no file defines; `PluginError` for a missing or unsafe plugin, or an unknown
    ///   `plugin_config` user or group.
    static func hub(
        main: MainConfig, profiles: Profiles?, metrics: DaemonMetrics, logger: Logger
    ) throws -> NotificationHub? {
        guard let profiles, profiles.profiles.contains(where: { !$0.config.notifications.isEmpty }) else { return nil }
        let paths = main.notifications
        let named = Set(profiles.profiles.flatMap(\.config.notifications))
        let configs = try loader().load(folder: paths.notificationFolder, started: named)
        var used: [NotificationConfig] = []
        for profile in profiles.profiles {
            for name in profile.config.notifications where !used.contains(where: { $0.name == name }) {
                guard let config = configs.first(where: { $0.name == name }) else {
                    throw ConfigError(
                        file: profiles.file, line: profile.config.line,
                        "profile '\(profile.config.name)' names notification '\(name)', which no file in "
                            + "\(paths.notificationFolder) defines; add a file with 'name: \(name)' there "
                            + "(config_paths.notification_dir), or remove it from the profile")
                }
                used.append(config)
            }
        }
        for config in configs where !used.contains(where: { $0.name == config.name }) {
            logger.info("notification '\(config.name)' (\(config.file)) is named by no profile: not started")
        }
        // Beside the machines file, with the daemon's other state.
        let spool = NotificationSpool(path: FileSystem.join(FileSystem.folder(of: main.api.machinesFile), "notifications.spool"))
        let hub = try makeHub(used, paths: paths, metrics: metrics, spool: spool, logger: logger)
        for config in used { _ = metrics.notifications(config.name) }
        return hub
    }

    /// A hub for `configs`, counting outcomes into `metrics` when given.
    static func makeHub(
        _ configs: [NotificationConfig], paths: NotificationPaths, metrics: DaemonMetrics?, spool: NotificationSpool? = nil,
        logger: Logger
    ) throws -> NotificationHub {
        var identity: PluginIdentity?
        if let user = paths.pluginUser, let group = paths.pluginGroup {
            identity = try PluginIdentity.resolve(user: user, group: group)
        }
        return try NotificationHub(
            configs: configs, pluginDirectory: paths.pluginFolder, identity: identity,
            allowUnsafeFiles: getenv(PluginError.allowUnsafeVariable).map { String(cString: $0) } == "1",
            observer: metrics.map(counting), spool: spool, logger: logger)
    }

    /// Counts each outcome into the notification's `warden_notifications_total` series.
    private static func counting(into metrics: DaemonMetrics) -> NotificationObserver {
        { name, outcome, alerts in
            let counters = metrics.notifications(name)
            let counter = switch outcome {
            case .sent: counters.sent
            case .failed: counters.failed
            case .dropped: counters.dropped
            }
            counter.increment(by: Int64(alerts))
        }
    }

    /// Sets each notification's plugin and queue gauges from `hub`'s status; the metrics
    /// endpoint calls it before rendering a scrape.
    static func recordStatus(of hub: NotificationHub, into metrics: DaemonMetrics) {
        for status in hub.status() {
            metrics.setNotification(status.name, gauges(status))
        }
    }

    /// `status` as the gauges write it: the state as its `state` label, the pid while
    /// running, the failures while restarting.
    private static func gauges(_ status: NotificationStatus) -> DaemonMetrics.NotificationGauges {
        var gauges = DaemonMetrics.NotificationGauges(
            state: .notStarted, restarts: status.restarts, pending: status.counts.pending)
        switch status.state {
        case .notStarted: gauges.state = .notStarted
        case .starting: gauges.state = .starting
        case .running(let pid):
            gauges.state = .running
            gauges.pid = Int(pid)
        case .restarting(let failures):
            gauges.state = .restarting
            gauges.failures = failures
        case .stopped: gauges.state = .stopped
        }
        return gauges
    }

    /// Notification files as CrowdSec reads them: Go templates, `${VAR}` from the environment.
    static func loader() -> NotificationConfigLoader {
        NotificationConfigLoader(templates: GoTemplates())
    }

    /// Alert intake's notifier: queues the alert, as the `models.Alert` JSON CrowdSec's
    /// plugins are given, to each notification. Never waits.
    static func notifier(_ hub: NotificationHub, logger: Logger) -> AlertIntake.Notifier {
        { alert, names in
            guard let json = json(alert) else {
                logger.error("alert \(alert.id) not queued for \(names): it cannot be written as JSON")
                return
            }
            hub.enqueue(NotifiedAlert(id: alert.id, json: json), to: names)
        }
    }

    /// `alert` as Go's encoding/json writes a `models.Alert` (keys sorted, as its fields are).
    static func json(_ alert: Alert) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(alert)).map { String(decoding: $0, as: UTF8.self) }
    }
}
