import Synchronization
import WardenEngine

/// What an engine counted, for assertions: alerts per machine, allowlist refusals, and
/// bans the book gained and lost per "origin backend".
final class RecordedMetrics: EngineMetrics {
    private struct Counts {
        var alerts: [String: Int] = [:]
        var allowlistRefusals = 0
        var created: [String: Int] = [:]
        var deleted: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())

    var alerts: [String: Int] { counts.withLock { $0.alerts } }
    var allowlistRefusals: Int { counts.withLock { $0.allowlistRefusals } }
    var created: [String: Int] { counts.withLock { $0.created } }
    var deleted: [String: Int] { counts.withLock { $0.deleted } }

    func alertsReceived(machine: String, count: Int) { counts.withLock { $0.alerts[machine, default: 0] += count } }
    func allowlistRefused() { counts.withLock { $0.allowlistRefusals += 1 } }
    func bansCreated(origin: String, backend: String, count: Int) {
        counts.withLock { $0.created["\(origin) \(backend)", default: 0] += count }
    }
    func bansDeleted(origin: String, backend: String, count: Int) {
        counts.withLock { $0.deleted["\(origin) \(backend)", default: 0] += count }
    }
}
