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
    }

    private let state = Mutex(State())

    public init() {}

    /// How many decisions are active.
    public var count: Int { state.withLock { $0.index.count } }

    /// Makes the book hold exactly the decisions of `bans` (what the store reads as
    /// active now): new ones are added, gone ones removed, so streams report both.
    /// Returns how many were added and removed.
    @discardableResult
    public func reconcile(with bans: [Ban], now: Int64) -> (added: Int, removed: Int) {
        var fresh: [Int64: Decision] = [:]
        for ban in bans {
            if let decision = try? Decision(ban) { fresh[decision.id] = decision }
        }
        return state.withLock { state in
            let held = state.index.decisions(matching: DecisionFilter(), now: now)
            var removed = 0
            for decision in held where fresh[decision.id] == nil {
                if state.index.remove(id: decision.id, now: now) != nil { removed += 1 }
            }
            let heldIds = Set(held.map(\.id))
            var added = 0
            for (id, decision) in fresh where !heldIds.contains(id) {
                if state.index.upsert(decision, now: now) { added += 1 }
            }
            return (added, removed)
        }
    }

    /// Applies a backend's changes since the last read (`warden.changes/1`), in order: an
    /// added ban becomes a decision (replacing the one of its value, as the index
    /// does), an ended one is removed, and `endedThrough` removes every decision up to
    /// that id. Applying a change twice changes nothing more. Returns how many
    /// decisions were added and removed.
    @discardableResult
    public func apply(_ changes: [BanChange], now: Int64) -> (added: Int, removed: Int) {
        state.withLock { state in
            var added = 0, removed = 0
            for change in changes {
                switch change {
                case .added(let ban):
                    guard let decision = try? Decision(ban) else { continue }  // as reconcile: unservable rows are skipped
                    let before = state.index.count
                    guard state.index.upsert(decision, now: now) else { continue }
                    let inserted = state.index.decision(id: decision.id) != nil
                    if inserted { added += 1 }
                    removed += before + (inserted ? 1 : 0) - state.index.count
                case .ended(let id, _):
                    if state.index.remove(id: id, now: now) != nil { removed += 1 }
                case .endedThrough(let id, _):
                    removed += state.index.removeAll(throughId: id, now: now)
                }
            }
            return (added, removed)
        }
    }

    /// The body of `GET /v1/decisions`: the active decisions `filter` selects, `null` when none.
    public func liveBody(filter: DecisionFilter, now: Int64) -> [UInt8] {
        var body: [UInt8] = []
        let decisions = state.withLock { state -> [Decision] in
            _ = state.index.expire(now: now)
            return state.index.decisions(matching: filter, now: now)
        }
        DecisionJSON.appendList(decisions, nowNs: now, to: &body)
        return body
    }

    /// The body of `GET /v1/decisions/stream` for `bouncer`: everything at startup (or
    /// when its position is lost), else what changed since its last answer. Moves its
    /// position to now.
    public func streamBody(bouncer: String, startup: Bool, filter: DecisionFilter, now: Int64) -> [UInt8] {
        let changes = state.withLock { state -> DecisionChanges in
            let cursor = startup ? nil : state.cursors[bouncer]
            let changes = state.index.changes(since: cursor, now: now, filter: filter)
            state.cursors[bouncer] = changes.cursor
            return changes
        }
        var body: [UInt8] = []
        body.reserveCapacity(64 + (changes.new.count + changes.deleted.count) * 128)
        DecisionJSON.appendStream(changes, nowNs: now, to: &body)
        return body
    }
}
