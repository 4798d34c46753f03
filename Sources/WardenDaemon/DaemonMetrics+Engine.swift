import WardenEngine
import WardenMetrics

/// The engine's counts, recorded in the daemon's Prometheus metrics.
extension DaemonMetrics: EngineMetrics {
    public func alertsReceived(machine: String, count: Int) {
        alerts(machine: machine).increment(by: count)
    }

    public func allowlistRefused() {
        allowlistRefusals.increment()
    }

    public func machineLogin(_ outcome: MachineLogin.Outcome) {
        switch outcome {
        case .accepted: machineLogin(result: "accepted")
        case .refused: machineLogin(result: "refused")
        case .throttled: machineLogin(result: "throttled")
        }
    }
}
