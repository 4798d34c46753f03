/// A position in an index's change feed: the sequence number of the last
/// change a bouncer has received. The server keeps one per API key (LAPI's
/// `last_pull`) and gets the next one from each answer.
public struct ChangeCursor: Hashable, Comparable, Sendable {
    public let sequence: UInt64

    public init(sequence: UInt64) {
        self.sequence = sequence
    }

    public static func < (a: ChangeCursor, b: ChangeCursor) -> Bool { a.sequence < b.sequence }
}

/// How much history the change feed keeps. A cursor older than what is kept
/// gets a full answer instead of a delta (``DecisionChanges/Kind/resync``),
/// and a startup answer reports the removals still kept.
public struct ChangeLogLimits: Sendable, Equatable {
    /// At most this many changes (an added or a removed decision each).
    public var maxEntries: Int
    /// Changes older than this are dropped, in ns.
    public var maxAgeNs: Int64

    /// 100 000 changes (a few MB: entries share the decisions' storage) and a day: a bouncer polling every 10 s to
    /// every few minutes always gets deltas, and a restarted bouncer hears of the
    /// removals of the last day.
    public init(maxEntries: Int = 100_000, maxAgeNs: Int64 = 86_400_000_000_000) {
        self.maxEntries = max(maxEntries, 1)
        self.maxAgeNs = maxAgeNs
    }
}

/// The changes an index made, oldest first, each with its sequence number, as
/// a bounded queue: the oldest are dropped past the limits.
struct ChangeLog {
    enum Kind { case added, removed }

    struct Entry {
        let seq: UInt64
        /// The time of the change (for the age limit).
        let atNs: Int64
        let kind: Kind
        /// The decision added, or the one removed with its end time.
        let decision: Decision
        /// The sequence number at which `decision` was added (its own for an addition).
        let addedSeq: UInt64
    }

    /// Entries from `head` on are kept; the slots before it are reused by compaction.
    private var entries: [Entry] = []
    private var head = 0
    /// The sequence number of the newest change.
    private(set) var lastSeq: UInt64 = 0
    /// Every change numbered above this is still kept (0 until one is dropped).
    private(set) var horizon: UInt64 = 0

    /// Records a change and returns its sequence number.
    @discardableResult
    mutating func append(_ kind: Kind, _ decision: Decision, addedSeq: UInt64? = nil, atNs: Int64) -> UInt64 {
        lastSeq += 1
        entries.append(Entry(seq: lastSeq, atNs: atNs, kind: kind, decision: decision, addedSeq: addedSeq ?? lastSeq))
        return lastSeq
    }

    /// Drops the changes past `limits` at `nowNs`.
    mutating func trim(nowNs: Int64, limits: ChangeLogLimits) {
        let oldestKept = nowNs &- limits.maxAgeNs
        while head < entries.count, entries.count - head > limits.maxEntries || entries[head].atNs < oldestKept {
            horizon = entries[head].seq
            head += 1
        }
        if head > 1024 && head * 2 > entries.count {
            entries.removeSubrange(..<head)
            head = 0
        }
    }

    /// The changes numbered above `seq`, which must not be below `horizon`.
    func entries(after seq: UInt64) -> ArraySlice<Entry> {
        entries[(head + Int(seq - horizon))...]
    }

    /// Every change kept.
    var kept: ArraySlice<Entry> { entries[head...] }
}
