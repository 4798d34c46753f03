import CWardenBackend
import WardenBackendKit

/// Reads the `warden.changes/1` feed of one database (see ``Schema`` and ``FeedQueries``).
enum FeedReader {
    /// A snapshot (`cursor` 0: the bans live at `now`) or the changes from `cursor` on, all
    /// read in one read transaction, so what is reported and the cursor returned agree.
    /// Returns the next cursor. Call with no transaction open.
    /// - Throws: ``BackendError`` `.staleCursor` when `cursor` is outside the kept history.
    static func read(
        _ db: SQLiteConnection, since cursor: Int64, now: Int64, sink: (UnsafePointer<warden_change_t>) -> Bool
    ) throws -> Int64 {
        try db.statement(.beginRead).run()
        defer { try? db.statement(.commit).run() }  // ends a read: nothing to lose
        let bounds = try db.statement(.feedBounds)
        guard try bounds.step() else { throw BackendError(.internal, "sqlite: changes_since: the bounds query returned nothing") }
        let head = bounds.int64(0), horizon = bounds.int64(1)
        bounds.reset()
        guard cursor != 0 else {
            return try snapshot(db, now: now, sink: sink) ? head : 0
        }
        guard cursor >= horizon, cursor <= head else {
            throw BackendError(
                .staleCursor,
                "sqlite: changes_since: cursor \(cursor) is outside the change history this database keeps "
                    + "(\(horizon)...\(head)); read everything again from cursor 0")
        }
        var merge = FeedMerge(entries: try entries(db, from: cursor))
        if let firstAdded = merge.firstAddedBanID {
            let rows = try db.statement(.feedRows)
            defer { rows.reset() }
            rows.bind(firstAdded, at: 1)
            while try rows.step() {
                var row = RowColumns.row(rows)
                guard merge.deliver(&row, to: sink) else { break }
            }
        }
        return merge.finish(head: head, to: sink)
    }

    /// Reports every ban live at `now` as added; returns false when the sink stopped.
    private static func snapshot(
        _ db: SQLiteConnection, now: Int64, sink: (UnsafePointer<warden_change_t>) -> Bool
    ) throws -> Bool {
        let live = try db.statement(.activeAt)
        defer { live.reset() }
        live.bind(now, at: 1)
        var change = warden_change_t()
        while try live.step() {
            var row = RowColumns.row(live)
            if !FeedMerge.added(&row, change: &change, sink) { return false }
        }
        return true
    }

    private static func entries(_ db: SQLiteConnection, from cursor: Int64) throws -> [FeedMerge.Entry] {
        let statement = try db.statement(.feedChanges)
        defer { statement.reset() }
        statement.bind(cursor, at: 1)
        var entries: [FeedMerge.Entry] = []
        while try statement.step() {
            entries.append(FeedMerge.Entry(
                position: statement.int64(0), kind: UInt32(truncatingIfNeeded: statement.int64(1)),
                banID: statement.int64(2), endedNs: statement.int64(3)))
        }
        return entries
    }
}

/// The columns `activeAt` and `feedRows` share, as an ABI row whose strings borrow the
/// statement's current row (valid until its next step or reset).
enum RowColumns {
    static func row(_ statement: SQLiteStatement) -> warden_ban_row_t {
        func text(_ column: Int32) -> warden_str_t {
            let t = statement.text(column)
            return warden_str_t(ptr: t.pointer, len: t.count)
        }
        var row = warden_ban_row_t()
        row.struct_size = UInt32(MemoryLayout<warden_ban_row_t>.size)
        row.id = statement.int64(0)
        row.scope = UInt32(truncatingIfNeeded: statement.int64(1))
        row.target = text(2)
        row.origin = text(3)
        row.action = text(4)
        row.reason = text(5)
        row.scenario = text(6)
        row.country = text(7)
        row.as_name = text(8)
        row.as_number = statement.int64(9)
        row.until_ns = statement.int64(10)
        row.created_ns = statement.int64(11)
        row.ban_count = statement.int64(12)
        row.events_count = statement.int64(13)
        return row
    }
}
