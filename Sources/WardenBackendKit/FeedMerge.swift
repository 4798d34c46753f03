import CWardenBackend

/// The order `warden.changes/1` reports a stored change log in, for a backend that keeps
/// one the way the shipped SQL backends do: a log of entries by position, where an
/// `added` entry covers the bans from its `banID` up to the next `added` entry's (one
/// entry per flush), and `ended` / `ended through` entries hold what they ended.
///
/// Feed it the log's entries from the cursor on, then the rows of the bans from
/// ``firstAddedBanID`` on, in id order, one ``deliver(_:to:)`` each; then ``finish(head:to:)``.
/// The ends logged before a flush go out before that flush's bans, and a stop returns the
/// cursor the reader must come back with: after an end, the next position; inside a
/// flush's bans, that flush's position (the rest of it comes again).
public struct FeedMerge {
    /// One entry of the change log.
    public struct Entry: Sendable {
        public var position: Int64
        /// `WARDEN_CHANGE_ADDED`, `WARDEN_CHANGE_ENDED` or `WARDEN_CHANGE_ENDED_THROUGH`.
        public var kind: UInt32
        public var banID: Int64
        public var endedNs: Int64

        public init(position: Int64, kind: UInt32, banID: Int64, endedNs: Int64) {
            self.position = position
            self.kind = kind
            self.banID = banID
            self.endedNs = endedNs
        }
    }

    private let entries: [Entry]
    /// Per added entry: the first ban id of the next added entry (`Int64.max` for the last).
    private let rangeEnds: [Int64]
    /// The next entry to deliver or to deliver rows for.
    private var next = 0
    /// The cursor to return once the sink stopped.
    private var stoppedAt: Int64?
    private var change = warden_change_t()

    public init(entries: [Entry]) {
        self.entries = entries
        var ends = [Int64](repeating: Int64.max, count: entries.count)
        var following = Int64.max
        for i in entries.indices.reversed() where entries[i].kind == WARDEN_CHANGE_ADDED {
            ends[i] = following
            following = entries[i].banID
        }
        rangeEnds = ends
        change.struct_size = UInt32(MemoryLayout<warden_change_t>.size)
    }

    /// Where the rows to deliver start: the ban id of the first added entry; nil when no
    /// entry adds bans (then no row is needed).
    public var firstAddedBanID: Int64? {
        entries.first { $0.kind == WARDEN_CHANGE_ADDED }?.banID
    }

    /// Delivers `row` (the next ban in id order) as added, after the ends logged before its
    /// flush. Returns false once the sink stopped: read no further rows, and call ``finish(head:to:)``.
    public mutating func deliver(
        _ row: inout warden_ban_row_t, to sink: (UnsafePointer<warden_change_t>) -> Bool
    ) -> Bool {
        guard stoppedAt == nil, let position = advance(to: row.id, sink) else { return false }
        guard Self.added(&row, change: &change, sink) else {
            stoppedAt = position  // the rest of this flush comes again
            return false
        }
        return true
    }

    /// Delivers the ends after the last row; returns the next cursor: `head` when everything
    /// was delivered, else where the sink stopped.
    public mutating func finish(head: Int64, to sink: (UnsafePointer<warden_change_t>) -> Bool) -> Int64 {
        if stoppedAt == nil { _ = advance(to: nil, sink) }
        return stoppedAt ?? head
    }

    /// Reports `row` as added (a snapshot's row, or a flush's); returns what the sink returned.
    public static func added(
        _ row: inout warden_ban_row_t, change: inout warden_change_t, _ sink: (UnsafePointer<warden_change_t>) -> Bool
    ) -> Bool {
        change.struct_size = UInt32(MemoryLayout<warden_change_t>.size)
        change.kind = WARDEN_CHANGE_ADDED
        change.ban_id = row.id
        change.ended_ns = 0
        return withUnsafeMutablePointer(to: &row) { row in
            change.row = UnsafePointer(row)
            defer { change.row = nil }
            return withUnsafePointer(to: &change, sink)
        }
    }

    /// Delivers the ends up to the added entry whose range holds `banID` (all of them when
    /// nil); returns that entry's position, nil when there is none or the sink stopped.
    private mutating func advance(to banID: Int64?, _ sink: (UnsafePointer<warden_change_t>) -> Bool) -> Int64? {
        while next < entries.count {
            let entry = entries[next]
            if entry.kind == WARDEN_CHANGE_ADDED {
                if let banID, banID < rangeEnds[next] { return entry.position }
            } else {
                change.kind = entry.kind
                change.ban_id = entry.banID
                change.ended_ns = entry.endedNs
                change.row = nil
                guard withUnsafePointer(to: &change, sink) else {
                    stoppedAt = entry.position + 1
                    return nil
                }
            }
            next += 1
        }
        return nil
    }
}
