import WardenConfig
import WardenMetricNames

/// What the running daemon says of one notification, read from its metrics endpoint
/// (the CLI links no gRPC and asks the plugins nothing itself): the counts, the plugin's
/// state and restarts, the alerts pending. A notification the daemon does not run (no
/// profile names it) reads as not started, with nothing counted.
struct NotificationLive: Equatable {
    /// Per result (`sent`, `failed`, `dropped`): alerts since the daemon started.
    var counts: [String: Int] = [:]
    var state = WardenMetricNames.PluginStateValue.notStarted
    var pid = 0
    /// Failures in a row, while restarting.
    var failures = 0
    var restarts = 0
    var pending = 0

    /// The state as `warden notifications list` shows it: `running (pid 123)`,
    /// `restarting (2 failures)`, `not started`...
    var stateText: String {
        switch state {
        case .notStarted: "not started"
        case .starting: "starting"
        case .running: "running (pid \(pid))"
        case .restarting: "restarting (\(failures) failure\(failures == 1 ? "" : "s"))"
        case .stopped: "stopped"
        }
    }

    /// Per notification name, what the daemon's metrics say; nil when the daemon serves
    /// no metrics or does not answer.
    static func read(_ prometheus: PrometheusConfig?) -> [String: NotificationLive]? {
        DaemonSamples.read(prometheus).map(read)
    }

    /// Per notification name, what `samples` say of it.
    static func read(_ samples: [PrometheusSample]) -> [String: NotificationLive] {
        var live: [String: NotificationLive] = [:]
        for sample in samples {
            guard let name = sample[label: "notification"], let value = Int(exactly: sample.value) else { continue }
            switch sample.name {
            case WardenMetricNames.notifications:
                if let result = sample[label: "result"] { live[name, default: NotificationLive()].counts[result] = value }
            case WardenMetricNames.notificationPluginState:
                if value == 1, let state = sample[label: "state"].flatMap(WardenMetricNames.PluginStateValue.init) {
                    live[name, default: NotificationLive()].state = state
                }
            case WardenMetricNames.notificationPluginPid: live[name, default: NotificationLive()].pid = value
            case WardenMetricNames.notificationPluginFailures: live[name, default: NotificationLive()].failures = value
            case WardenMetricNames.notificationPluginRestarts: live[name, default: NotificationLive()].restarts = value
            case WardenMetricNames.notificationPending: live[name, default: NotificationLive()].pending = value
            default: continue
            }
        }
        return live
    }
}
