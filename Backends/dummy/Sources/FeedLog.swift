import WardenBackendKit

/// The dummy's `warden.changes/1` history: every change to a store's set of live
/// bans, numbered by position. Positions are contiguous from ``horizon`` (the oldest
/// kept) to ``head`` (the next one), so a cursor is an index. Kept inside the
/// store's lock, like the bans it describes.
struct FeedLog {
    enum Kind {
        case added(id: Int64)
        case ended(id: Int64, atNs: Int64)
        case endedThrough(id: Int64, atNs: Int64)
    }

    struct Entry {
        var kind: Kind
        /// When the change was made (host clock), for retention.
        var madeNs: Int64
    }

    private(set) var entries: [Entry] = []
    /// The position of `entries[0]`: cursors below it are stale.
    private(set) var horizon: Int64 = 1
    /// The position the next change gets, and the cursor of "everything so far".
    var head: Int64 { horizon + Int64(entries.count) }

    mutating func record(_ kind: Kind, madeNs: Int64) {
        entries.append(Entry(kind: kind, madeNs: madeNs))
    }

    /// Forgets the changes made before `cutoffNs` (oldest first, so the kept ones stay contiguous).
    mutating func forget(madeBefore cutoffNs: Int64) {
        let old = entries.prefix { $0.madeNs < cutoffNs }.count
        entries.removeFirst(old)
        horizon += Int64(old)
    }

    /// The entries from position `cursor` on, with their positions.
    /// - Throws: ``BackendError`` `.staleCursor` when `cursor` is before the horizon or beyond the head.
    func entries(from cursor: Int64) throws -> ArraySlice<Entry> {
        guard cursor >= horizon, cursor <= head else {
            throw BackendError(
                .staleCursor,
                "dummy: changes_since: cursor \(cursor) is outside the kept change history (\(horizon)...\(head)); "
                    + "read everything again from cursor 0")
        }
        return entries[Int(cursor - horizon)...]
    }
}
