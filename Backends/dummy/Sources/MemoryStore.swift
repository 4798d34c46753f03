import Synchronization
import WardenBackendKit

/// The bans of one named store, shared by every dummy instance of the process
/// that names it in `store:`. Instances publish into it on flush.
///
/// Nothing is overwritten: each ban keeps when it was created and when it ended
/// (deleted or swept), so a read at a past time sees the bans as they were. A
/// target may have several live bans (ABI 1.2, STACKED BANS); the bans of a
/// simulated signal are kept as history and are never live.
final class MemoryStore: Sendable {
    fileprivate struct Record {
        var id: Int64
        /// The id of its signal: the id of the signal's first ban.
        var signalID: Int64
        var ban: SignalBan
        var createdNs: Int64
        var eventsCount: Int64
        /// Of a simulated signal: never active nor live.
        var simulated: Bool
        /// When the ban was deleted or swept; nil while it has not been.
        var endedNs: Int64?

        func isActive(at t: Int64) -> Bool {
            !simulated && createdNs <= t && t < ban.untilNs && endedNs.map { t < $0 } ?? true
        }

        /// Live at the host's now: not simulated, not ended and not past its until.
        func isLive(now: Int64) -> Bool {
            !simulated && endedNs == nil && now < ban.untilNs
        }
    }

    fileprivate struct State {
        /// Every record kept, by ascending id (insertion order).
        var records: [Record] = []
        /// The indices in `records` of each target's unended bans (simulated ones never).
        var unended: [String: [Int]] = [:]
        var totals: [String: (bans: Int64, events: Int64)] = [:]
        var nextID: Int64 = 1
        var feed = FeedLog()
        /// Each signal as inserted, by id; its bans have the ids from its id on, in order.
        var signals: [Int64: Signal] = [:]
        /// Signals deleted through warden.history/1: never listed nor counted again.
        var deleted: Set<Int64> = []

        /// The row of `r` with its target's history counts.
        func row(_ r: Record) -> BanRow {
            let total = totals[r.ban.target] ?? (0, 0)
            return BanRow(
                id: r.id, scope: r.ban.scope, target: r.ban.target, origin: r.ban.origin, action: r.ban.action,
                reason: r.ban.reason, scenario: r.ban.scenario, country: r.ban.country, asName: r.ban.asName,
                asNumber: r.ban.asNumber, untilNs: r.ban.untilNs, createdNs: r.createdNs,
                banCount: total.bans, eventsCount: total.events)
        }

        /// The record with this id, unless retention purged it (records are in id order).
        func record(id: Int64) -> Record? {
            var low = 0, high = records.count
            while low < high {
                let mid = (low + high) / 2
                if records[mid].id < id { low = mid + 1 } else { high = mid }
            }
            return low < records.count && records[low].id == id ? records[low] : nil
        }
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

    /// Adds every ban of `signals`, beside the bans their targets have.
    /// Returns each signal's id (its first ban's; 0 without bans).
    @discardableResult
    func append(_ signals: [Signal]) -> [Int64] {
        state.withLock { s in
            var ids: [Int64] = []
            for signal in signals {
                if !signal.bans.isEmpty { s.signals[s.nextID] = signal }
                let signalID = s.nextID
                ids.append(signal.bans.isEmpty ? 0 : signalID)
                for ban in signal.bans {
                    if !signal.simulated {
                        s.unended[ban.target, default: []].append(s.records.count)
                        s.feed.record(.added(id: s.nextID), madeNs: signal.createdNs)
                    }
                    s.records.append(Record(
                        id: s.nextID, signalID: signalID, ban: ban, createdNs: signal.createdNs,
                        eventsCount: signal.eventsCount, simulated: signal.simulated))
                    s.nextID += 1
                    let total = s.totals[ban.target] ?? (0, 0)
                    s.totals[ban.target] = (total.bans + 1, total.events + signal.eventsCount)
                }
            }
            return ids
        }
    }

    /// Rows of the bans active at `at`, newest first.
    func active(at: Int64) -> [BanRow] {
        state.withLock { s in
            s.records.reversed().filter { $0.isActive(at: at) }.map(s.row)
        }
    }

    /// Ends, at `now`, every ban of `target` (of every target when nil) live at `now`; returns how many.
    func end(now: Int64, target: String?) -> Int {
        state.withLock { s in
            let candidates = target.map { s.unended[$0] ?? [] } ?? s.unended.values.flatMap { $0 }
            var count = 0
            for i in candidates.sorted() where s.records[i].isLive(now: now) {
                s.records[i].endedNs = now
                count += 1
                if target != nil { s.feed.record(.ended(id: s.records[i].id, atNs: now), madeNs: now) }
            }
            s.dropEnded(target.map { [$0] } ?? Array(s.unended.keys))
            // delete_all is one change, whatever it ended.
            if target == nil && count > 0 { s.feed.record(.endedThrough(id: s.nextID - 1, atNs: now), madeNs: now) }
            return count
        }
    }

    /// The expiry sweep: ends, at `now`, the unended bans whose until has passed; returns how many.
    func expire(now: Int64) -> Int {
        state.withLock { s in
            var count = 0
            for i in s.unended.values.joined() where s.records[i].ban.untilNs <= now {
                s.records[i].endedNs = now
                count += 1
            }
            if count > 0 { s.dropEnded(Array(s.unended.keys)) }
            return count
        }
    }

    /// Removes history (ended bans, never an unended one): the oldest first while more
    /// than `maxRecords` records are kept, and every one created before `cutoffNs`.
    /// Forgets the changes made before `cutoffNs` too.
    func purge(maxRecords: Int, cutoffNs: Int64?) -> Int {
        state.withLock { s in
            if let cutoffNs { s.feed.forget(madeBefore: cutoffNs) }
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
            // Their added changes are lost.
            s.feed.forget(addedOf: doomed)
            s.records.removeAll { doomed.contains($0.id) }
            s.unended = [:]
            for (i, r) in s.records.enumerated() where r.endedNs == nil && !r.simulated {
                s.unended[r.ban.target, default: []].append(i)
            }
            let kept = Set(s.records.map(\.signalID))
            s.signals = s.signals.filter { kept.contains($0.key) }
            s.deleted.formIntersection(kept)
            return doomed.count
        }
    }
}

extension MemoryStore {
    /// `warden.changes/1`: a snapshot of the bans live at `now` (`cursor` 0), or the
    /// changes from position `cursor` on, each with the position after it; and the
    /// cursor after all of them. Read under the lock, delivered by the caller.
    func changes(since cursor: Int64, now: Int64) throws -> (changes: [(FeedChange, Int64)], next: Int64) {
        try state.withLock { s in
            guard cursor != 0 else {
                let live = s.records.filter { $0.isLive(now: now) }.map { (FeedChange.added(s.row($0)), Int64(0)) }
                return (live, s.feed.head)
            }
            var position = cursor
            var changes: [(FeedChange, Int64)] = []
            for entry in try s.feed.entries(from: cursor) {
                position += 1
                switch entry.kind {
                case .added(let id):
                    // A ban purged since is not live: skipped, as the header allows.
                    if let r = s.record(id: id) { changes.append((.added(s.row(r)), position)) }
                case .ended(let id, let atNs): changes.append((.ended(id: id, atNs: atNs), position))
                case .endedThrough(let id, let atNs): changes.append((.endedThrough(id: id, atNs: atNs), position))
                }
            }
            return (changes, position)
        }
    }
}

extension MemoryStore {
    /// `warden.history/1` `target_history`, over every record (a reference backend
    /// favours plain code over indexes).
    func targetHistory(_ query: HistoryQuery) -> HistoryCounts {
        state.withLock { s in
            var counts = HistoryCounts()
            for r in s.records where !s.deleted.contains(r.signalID)
                && query.isContained(inStart: r.ban.rangeStart, end: r.ban.rangeEnd) {
                if r.createdNs > query.sinceNs { counts.banCount += 1 }
                if r.isLive(now: query.nowNs) {
                    counts.activeCount += 1
                    counts.activeUntilNs = max(counts.activeUntilNs, r.ban.untilNs)
                }
            }
            return counts
        }
    }

    /// `read_signals`: the selected signals, newest first, read under the lock.
    func signals(_ selection: SignalSelection) -> [StoredSignal] {
        state.withLock { s in
            var found: [StoredSignal] = []
            for id in s.signals.keys.sorted(by: >) where !s.deleted.contains(id) {
                if let limit = selection.limit, found.count == limit { break }
                guard let stored = s.stored(id),
                      selection.signalMatches(
                        id: id, banIDs: stored.banIDs, scenario: stored.signal.scenario, createdNs: stored.signal.createdNs),
                      stored.signal.bans.contains(where: selection.banMatches)
                else { continue }
                if selection.activeOnly {
                    let live = stored.banIDs.contains { s.record(id: $0)?.isLive(now: selection.nowNs) ?? false }
                    guard live else { continue }
                }
                found.append(stored)
            }
            return found
        }
    }

    /// `delete_signal`: ends the signal's live bans at `now` and hides it; 1, or 0 when unknown or hidden.
    func deleteSignal(id: Int64, now: Int64) -> Int {
        state.withLock { s in
            guard let stored = s.stored(id), !s.deleted.contains(id) else { return 0 }
            for ban in stored.banIDs { _ = s.end(ban, now: now) }
            s.deleted.insert(id)
            return 1
        }
    }

    /// `delete_ban`: ends ban `id` at `now` if it is live; 1 or 0.
    func deleteBan(id: Int64, now: Int64) -> Int {
        state.withLock { s in s.end(id, now: now) }
    }
}

extension MemoryStore.State {
    /// Signal `id` with the bans retention left of it; nil when none is left.
    func stored(_ id: Int64) -> StoredSignal? {
        guard var signal = signals[id] else { return nil }
        let kept = signal.bans.indices.compactMap { i in record(id: id + Int64(i)) }
        guard !kept.isEmpty else { return nil }
        signal.bans = kept.map(\.ban)
        return StoredSignal(id: id, signal: signal, banIDs: kept.map(\.id), banEndedNs: kept.map(\.endedNs))
    }

    /// Ends record `id` at `now` if it is live, as a feed `ended` change; 1 or 0.
    mutating func end(_ id: Int64, now: Int64) -> Int {
        guard let r = record(id: id), r.isLive(now: now),
              let i = unended[r.ban.target]?.first(where: { records[$0].id == id })
        else { return 0 }
        records[i].endedNs = now
        feed.record(.ended(id: id, atNs: now), madeNs: now)
        dropEnded([r.ban.target])
        return 1
    }

    /// Forgets, for each of `targets`, the bans that have ended.
    mutating func dropEnded(_ targets: [String]) {
        for target in targets {
            let left = unended[target]?.filter { records[$0].endedNs == nil } ?? []
            unended[target] = left.isEmpty ? nil : left
        }
    }
}
