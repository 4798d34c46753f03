import Synchronization
import WardenEngine

/// What an engine counted, for assertions: alerts per machine, allowlist refusals, and
/// bans the book gained and lost per "origin backend", machine logins' outcomes.
final class RecordedMetrics: EngineMetrics {
    private struct Counts {
        var alerts: [String: Int] = [:]
        var allowlistRefusals = 0
        var created: [String: Int] = [:]
        var deleted: [String: Int] = [:]
        var logins: [MachineLogin.Outcome] = []
    }

    private let counts = Mutex(Counts())

    var alerts: [String: Int] { counts.withLock { $0.alerts } }
    var allowlistRefusals: Int { counts.withLock { $0.allowlistRefusals } }
    var created: [String: Int] { counts.withLock { $0.created } }
    var deleted: [String: Int] { counts.withLock { $0.deleted } }
    var logins: [MachineLogin.Outcome] { counts.withLock { $0.logins } }

    func alertsReceived(machine: String, count: Int) { counts.withLock { $0.alerts[machine, default: 0] += count } }
    func allowlistRefused() { counts.withLock { $0.allowlistRefusals += 1 } }
    func bansCreated(origin: String, backend: String, count: Int) {
        counts.withLock { $0.created["\(origin) \(backend)", default: 0] += count }
    }
    func bansDeleted(origin: String, backend: String, count: Int) {
        counts.withLock { $0.deleted["\(origin) \(backend)", default: 0] += count }
    }
    func machineLogin(_ outcome: MachineLogin.Outcome) { counts.withLock { $0.logins.append(outcome) } }
}
