import Synchronization
import WardenBackendKit

/// The bans of one named store, shared by every dummy instance of the process
/// that names it in `store:`. Instances publish into it on flush.
///
/// Nothing is overwritten: each ban keeps when it was created and when it ended
/// (deleted, replaced or swept), so a read at a past time sees the bans as they were.
final class MemoryStore: Sendable {
    private struct Record {
        var id: Int64
        var ban: BanRecord
        var createdNs: Int64
        var eventsCount: Int64
        /// When the ban was deleted, replaced or swept; nil while it has not been.
        var endedNs: Int64?

        func isActive(at t: Int64) -> Bool {
            createdNs <= t && t < ban.untilNs && endedNs.map { t < $0 } ?? true
        }

        /// Live at the host's now: not ended and not past its until.
        func isLive(now: Int64) -> Bool {
            endedNs == nil && now < ban.untilNs
        }
    }

    private struct State {
        /// Every record kept, by ascending id (insertion order).
        var records: [Record] = []
        /// The index in `records` of each target's newest record, the only one that may be unended.
        var newest: [String: Int] = [:]
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

    /// Adds every ban of `signals`; each ends the ban its target had, at its signal's creation.
    func append(_ signals: [Signal]) {
        state.withLock { s in
            for signal in signals {
                for ban in signal.bans {
                    if let old = s.newest[ban.target], s.records[old].endedNs == nil {
                        s.records[old].endedNs = signal.createdNs
                    }
                    s.newest[ban.target] = s.records.count
                    s.records.append(Record(
                        id: s.nextID, ban: ban, createdNs: signal.createdNs, eventsCount: signal.eventsCount))
                    s.nextID += 1
                    let total = s.totals[ban.target] ?? (0, 0)
                    s.totals[ban.target] = (total.bans + 1, total.events + signal.eventsCount)
                }
            }
        }
    }

    /// Rows of the bans active at `at`, newest first.
    func active(at: Int64) -> [BanRow] {
        state.withLock { s in
            s.records.reversed().filter { $0.isActive(at: at) }.map { r in
                let total = s.totals[r.ban.target] ?? (0, 0)
                return BanRow(
                    id: r.id, scope: r.ban.scope, target: r.ban.target, origin: r.ban.origin, action: r.ban.action,
                    reason: r.ban.reason, scenario: r.ban.scenario, country: r.ban.country, asName: r.ban.asName,
                    asNumber: r.ban.asNumber, untilNs: r.ban.untilNs, createdNs: r.createdNs,
                    banCount: total.bans, eventsCount: total.events)
            }
        }
    }

    /// Ends, at `now`, the ban of `target` (every target when nil) live at `now`; returns how many.
    func end(now: Int64, target: String?) -> Int {
        state.withLock { s in
            let candidates = target.map { s.newest[$0].map { [$0] } ?? [] } ?? Array(s.newest.values)
            var count = 0
            for i in candidates where s.records[i].isLive(now: now) {
                s.records[i].endedNs = now
                count += 1
            }
            return count
        }
    }

    /// The expiry sweep: ends, at `now`, the unended bans whose until has passed; returns how many.
    func expire(now: Int64) -> Int {
        state.withLock { s in
            var count = 0
            for i in s.newest.values where s.records[i].endedNs == nil && s.records[i].ban.untilNs <= now {
                s.records[i].endedNs = now
                count += 1
            }
            return count
        }
    }

    /// Removes history (ended bans, never an unended one): the oldest first while more
    /// than `maxRecords` records are kept, and every one created before `cutoffNs`.
    func purge(maxRecords: Int, cutoffNs: Int64?) -> Int {
        state.withLock { s in
            var excess = maxRecords > 0 ? s.records.count - maxRecords : 0
            var doomed: Set<Int64> = []
            for r in s.records where r.endedNs != nil {
                let tooMany = excess > 0, tooOld = cutoffNs.map { r.createdNs < $0 } ?? false
                guard tooMany || tooOld else { continue }
                if tooMany { excess -= 1 }
                doomed.insert(r.id)
                let total = s.totals[r.ban.target]!
                s.totals[r.ban.target] = total.bans > 1 ? (total.bans - 1, total.events - r.eventsCount) : nil
            }
            guard !doomed.isEmpty else { return 0 }
            s.records.removeAll { doomed.contains($0.id) }
            s.newest = [:]
            for (i, r) in s.records.enumerated() { s.newest[r.ban.target] = i }
            return doomed.count
        }
    }
}
