import CWardenBackend
import WardenBackendKit

/// Reads the `warden.changes/1` feed of one database (see ``Schema`` and ``FeedQueries``).
enum FeedReader {
    /// One row of `changes`.
    private struct Entry {
        var position: Int64
        var kind: UInt32
        var banID: Int64
        var endedNs: Int64
    }

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
        var change = warden_change_t()
        change.struct_size = UInt32(MemoryLayout<warden_change_t>.size)
        guard cursor != 0 else {
            return try snapshot(db, now: now, change: &change, sink: sink) ? head : 0
        }
        guard cursor >= horizon, cursor <= head else {
            throw BackendError(
                .staleCursor,
                "sqlite: changes_since: cursor \(cursor) is outside the change history this database keeps "
                    + "(\(horizon)...\(head)); read everything again from cursor 0")
        }
        let entries = try self.entries(db, from: cursor)
        let firstAdded = entries.first { $0.kind == WARDEN_CHANGE_ADDED }?.banID ?? Int64.max
        let rows = try db.statement(.feedRows)
        defer { rows.reset() }
        rows.bind(firstAdded, at: 1)
        var hasRow = firstAdded != Int64.max ? try rows.step() : false
        for (index, entry) in entries.enumerated() {
            change.kind = entry.kind
            change.ban_id = entry.banID
            change.ended_ns = entry.endedNs
            change.row = nil
            guard entry.kind == WARDEN_CHANGE_ADDED else {
                if !withUnsafePointer(to: &change, sink) { return entry.position + 1 }
                continue
            }
            // This flush's bans: up to the next added row's first id.
            let end = entries[(index + 1)...].first { $0.kind == WARDEN_CHANGE_ADDED }?.banID ?? Int64.max
            change.ended_ns = 0
            while hasRow, rows.int64(0) < end {
                var row = RowColumns.row(rows)
                change.ban_id = row.id
                let goOn = withUnsafeMutablePointer(to: &row) { row in
                    change.row = UnsafePointer(row)
                    return withUnsafePointer(to: &change, sink)
                }
                if !goOn { return entry.position }  // the rest of this flush comes again
                hasRow = try rows.step()
            }
        }
        return head
    }

    /// Reports every ban live at `now` as added; returns false when the sink stopped.
    private static func snapshot(
        _ db: SQLiteConnection, now: Int64, change: inout warden_change_t,
        sink: (UnsafePointer<warden_change_t>) -> Bool
    ) throws -> Bool {
        let live = try db.statement(.activeAt)
        defer { live.reset() }
        live.bind(now, at: 1)
        change.kind = WARDEN_CHANGE_ADDED
        while try live.step() {
            var row = RowColumns.row(live)
            change.ban_id = row.id
            let goOn = withUnsafeMutablePointer(to: &row) { row in
                change.row = UnsafePointer(row)
                return withUnsafePointer(to: &change, sink)
            }
            if !goOn { return false }
        }
        return true
    }

    private static func entries(_ db: SQLiteConnection, from cursor: Int64) throws -> [Entry] {
        let statement = try db.statement(.feedChanges)
        defer { statement.reset() }
        statement.bind(cursor, at: 1)
        var entries: [Entry] = []
        while try statement.step() {
            entries.append(Entry(
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
