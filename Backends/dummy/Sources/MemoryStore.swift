import Synchronization
import WardenBackendKit

/// The bans of one named store, shared by every dummy instance of the process
/// that names it in `store:`. Instances publish into it on flush.
final class MemoryStore: Sendable {
    private struct Record {
        var ban: BanRecord
        var createdNs: Int64
        var eventsCount: Int64
        /// Deleted or expired: history only.
        var ended: Bool
    }

    private struct State {
        var records: [Int64: Record] = [:]
        /// The id of the current ban of each target (ended or not).
        var current: [String: Int64] = [:]
        var totals: [String: (bans: Int64, events: Int64)] = [:]
        var nextID: Int64 = 1
    }

    private let state = Mutex(State())

    private static let registry = Mutex<[String: MemoryStore]>([:])

    /// The store called `name`, created on first use.
    static func named(_ name: String) -> MemoryStore {
        registry.withLock { stores in
            if let store = stores[name] { return store }
            let store = MemoryStore()
            stores[name] = store
            return store
        }
    }

    /// Adds every ban of `signals`; each replaces the current ban of its target.
    func append(_ signals: [Signal]) {
        state.withLock { s in
            for signal in signals {
                for ban in signal.bans {
                    let id = s.nextID
                    s.nextID += 1
                    if let old = s.current[ban.target] { s.records[old]?.ended = true }
                    s.records[id] = Record(ban: ban, createdNs: signal.createdNs, eventsCount: signal.eventsCount, ended: false)
                    s.current[ban.target] = id
                    let total = s.totals[ban.target] ?? (0, 0)
                    s.totals[ban.target] = (total.bans + 1, total.events + signal.eventsCount)
                }
            }
        }
    }

    /// Rows of the bans active at `at`, one per target.
    func active(at: Int64) -> [BanRow] {
        state.withLock { s in
            s.current.values.compactMap { id -> BanRow? in
                guard let r = s.records[id], !r.ended, at < r.ban.untilNs else { return nil }
                let total = s.totals[r.ban.target] ?? (0, 0)
                return BanRow(
                    id: id, scope: r.ban.scope, target: r.ban.target, origin: r.ban.origin, action: r.ban.action,
                    reason: r.ban.reason, scenario: r.ban.scenario, country: r.ban.country, asName: r.ban.asName,
                    asNumber: r.ban.asNumber, untilNs: r.ban.untilNs, createdNs: r.createdNs,
                    banCount: total.bans, eventsCount: total.events)
            }
        }
    }

    /// Ends the live bans that `matches` selects; returns how many.
    func end(where matches: (BanRecord) -> Bool) -> Int {
        state.withLock { s in
            var count = 0
            for id in s.current.values {
                guard let r = s.records[id], !r.ended, matches(r.ban) else { continue }
                s.records[id]?.ended = true
                count += 1
            }
            return count
        }
    }

    /// Removes history (never a live ban): the oldest first while more than
    /// `maxRecords` records are kept, and every record that ended before `cutoffNs`.
    func purge(maxRecords: Int, cutoffNs: Int64?) -> Int {
        state.withLock { s in
            let history = s.records.filter { id, r in r.ended || s.current[r.ban.target] != id }
                .keys.sorted()
            var doomed: [Int64] = []
            var excess = maxRecords > 0 ? s.records.count - maxRecords : 0
            for id in history {
                let r = s.records[id]!
                if excess > 0 {
                    doomed.append(id)
                    excess -= 1
                } else if let cutoffNs, r.ban.untilNs < cutoffNs {
                    doomed.append(id)
                }
            }
            for id in doomed {
                let r = s.records.removeValue(forKey: id)!
                let total = s.totals[r.ban.target]!
                s.totals[r.ban.target] = total.bans > 1 ? (total.bans - 1, total.events - r.eventsCount) : nil
                if s.current[r.ban.target] == id { s.current[r.ban.target] = nil }
            }
            return doomed.count
        }
    }
}
