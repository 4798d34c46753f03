/// What a bouncer must apply to catch up: the body of one
/// `GET /v1/decisions/stream` answer, and the cursor to keep for the next one.
///
/// Bouncers apply the two lists in either order (see the stream rules in
/// `DecisionIndex+Changes.swift`): a value that has an active decision is never in
/// `deleted`. Both lists are idempotent to them (CrowdSec itself repeats entries
/// across polls).
public struct DecisionChanges: Sendable {
    public enum Kind: Sendable, Equatable {
        /// The changes since the cursor.
        case delta
        /// A startup pull (`startup=true`): every active decision, and the removals kept.
        case startup
        /// Like `startup`, because the cursor was older than the kept history (or
        /// unknown to this index): removals dropped from the history are missing.
        case resync
    }

    public var kind: Kind
    /// Decisions to apply, active at the time of the answer.
    public var new: [Decision]
    /// Decisions to lift, with the time they ended (removed, expired or replaced).
    public var deleted: [Decision]
    /// Where the bouncer stands after applying this answer.
    public var cursor: ChangeCursor

    public init(kind: Kind, new: [Decision], deleted: [Decision], cursor: ChangeCursor) {
        self.kind = kind
        self.new = new
        self.deleted = deleted
        self.cursor = cursor
    }
}
