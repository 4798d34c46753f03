import Synchronization
import WardenDecisions
import WardenModel

/// The decisions bouncers see, in memory, with each bouncer's stream position: the
/// one place the API reads from. Lookups never touch a backend; the daemon keeps the
/// book in step with the store (``reconcile(with:now:)`` after a full read,
/// ``apply(_:now:)`` with a backend's change feed). Thread-safe.
public final class DecisionBook: Sendable {
    private struct State: ~Copyable {
        var index = DecisionIndex()
        /// The position after the last stream answer of each bouncer (by name).
        var cursors: [String: ChangeCursor] = [:]

        /// What the index recorded since its journal was set to `[]`; turns the journal off.
        mutating func takeJournal() -> BookUpdate {
            defer { index.journal = nil }
            return BookUpdate(events: index.journal ?? [])
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// How many decisions are active.
    public var count: Int { state.withLock { $0.index.count } }

    /// Makes the book hold exactly the decisions of `bans` (what the store reads as
    /// active now): new ones are added, gone ones removed, so streams report both.
    /// Returns the decisions added and removed.
    ///
    /// The daemon calls this every second with every active ban, and usually nothing
    /// changed: bans are first matched to held decisions by id, and only when some are
    /// new or some held ones were not seen does it go further, turning the new ones
    /// into decisions outside the lock, then applying every change in one step (so a
    /// stream never sees a replaced ban's removal without its successor). Parsing and
    /// rendering every ban each second, and listing every held decision under the
    /// lock, had cost a tenth of the daemon's time under load and its lookups' p99.
    @discardableResult
    public func reconcile(with bans: [Ban], now: Int64) -> BookUpdate {
        let freshIds = Set(bans.map(\.id))
        let (unchanged, unknownIds) = state.withLock { state -> (Bool, Set<Int64>) in
            var unknown = Set<Int64>()
            var seen = 0
            for id in freshIds {
                if state.index.decision(id: id) != nil { seen += 1 } else { unknown.insert(id) }
            }
            return (unknown.isEmpty && seen == state.index.count, unknown)
        }
        if unchanged { return BookUpdate() }
        var fresh: [Decision] = []
        for ban in bans where unknownIds.contains(ban.id) {
            if let decision = try? Decision(ban) { fresh.append(decision) }
        }
        return state.withLock { state in
            state.index.journal = []
            for decision in state.index.decisions(matching: DecisionFilter(), now: now)
            where !freshIds.contains(decision.id) {
                state.index.remove(id: decision.id, now: now)
            }
            for decision in fresh where state.index.decision(id: decision.id) == nil {
                state.index.upsert(decision, now: now)
            }
            return state.takeJournal()
        }
    }

    /// Applies a backend's changes since the last read (`warden.changes/1`), in order: an
    /// added ban becomes a decision (beside the others of its value, as the index
    /// keeps them), an ended one is removed, and `endedThrough` removes every decision up to
    /// that id. Applying a change twice changes nothing more. Returns the decisions
    /// added and removed (a replaced one counts as removed).
    @discardableResult
    public func apply(_ changes: [BanChange], now: Int64) -> BookUpdate {
        // Rows become decisions before the lock is taken: lookups must not wait while the
        // rows of a 100k import are converted.
        let decisions = changes.map { change -> Decision? in
            guard case .added(let ban) = change else { return nil }
            return try? Decision(ban)  // as reconcile: unservable rows are skipped
        }
        return state.withLock { state in
            state.index.journal = []
            for (change, decision) in zip(changes, decisions) {
                switch change {
                case .added:
                    guard let decision else { continue }
                    state.index.upsert(decision, now: now)
                case .ended(let id, _):
                    state.index.remove(id: id, now: now)
                case .endedThrough(let id, _):
                    state.index.removeAll(throughId: id, now: now)
                }
            }
            return state.takeJournal()
        }
    }

    /// How many decisions are active now, per LAPI origin and scope (ended ones are
    /// dropped first). Cheap: the index keeps the counts as it changes.
    public func activeTally(now: Int64) -> DecisionTally {
        state.withLock { state in
            _ = state.index.expire(now: now)
            return state.index.tally
        }
    }

    /// The body of `GET /v1/decisions`: the active decisions `filter` selects (with
    /// `dedup`, the longest of each value and type), `null` when none.
    public func liveBody(filter: DecisionFilter, dedup: Bool = false, now: Int64) -> [UInt8] {
        var body: [UInt8] = []
        let decisions = state.withLock { state -> [Decision] in
            _ = state.index.expire(now: now)
            return state.index.decisions(matching: filter, now: now, dedup: dedup)
        }
        DecisionJSON.appendList(decisions, nowNs: now, to: &body)
        return body
    }

    /// The body of `GET /v1/decisions/stream` for `bouncer`: everything at startup (or
    /// when its position is lost), else what changed since its last answer. Moves its
    /// position to now.
    ///
    /// Pulls that ask for the same answer at nearly the same time share one, rendered once
    /// by `render` from the changes and the time they were computed at (see
    /// ``SharedStreamAnswers`` for when and what that costs). The rendering runs outside
    /// the book's lock, so lookups do not wait for it.
    public func streamBody<Body: Sendable>(
        bouncer: String, startup: Bool, filter: DecisionFilter, dedup: Bool = true, now: Int64,
        sharing shared: SharedStreamAnswers<Body>, render: (DecisionChanges, Int64) -> Body
    ) -> Body {
        let answer = state.withLock { state in
            let cursor = startup ? nil : state.cursors[bouncer]
            _ = state.index.expire(now: now)
            let end = state.index.cursor
            state.cursors[bouncer] = end
            let key = SharedStreamAnswers<Body>.Key(from: cursor, to: end, filter: filter, dedup: dedup)
            return shared.answer(for: key, now: now) {
                state.index.changes(since: cursor, now: now, filter: filter, dedup: dedup)
            }
        }
        return answer.body(render: render)
    }
}
