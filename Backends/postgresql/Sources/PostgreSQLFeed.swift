import CWardenBackend
import WardenBackendKit

/// The PostgreSQL side of `warden.changes/1`: the `warden_changes` table.
///
/// Positions must become visible in the order they were given, or a reader that saw
/// position p could later find a smaller one committed after it. An identity column
/// alone does not promise that (two transactions take 10 and 11, the one with 11
/// commits first), so every transaction that changes bans first updates the
/// `change_lock` row of `warden_state` (``lock``), whose row lock PostgreSQL holds until
/// COMMIT: writers commit one at a time, and both the ban ids and the positions a writer
/// takes come after those of every earlier commit (READ COMMITTED: each statement after
/// the lock sees every earlier commit).
///
/// Kind 1 (added) covers the bans from `ban_id` up to the next added row's `ban_id`:
/// one row per flush. Kind 2 (ended) and 3 (ended through) hold what they ended and
/// when, so purging a ban never loses its end. Retention forgets the rows made before
/// `max_records_age` and moves `changes_horizon` past them and past the added range of
/// the newest ban it purges.
enum PostgreSQLFeed {
    /// Takes the writers' lock until COMMIT. Every transaction that writes `bans` takes it first.
    static let lock = "UPDATE warden_state SET value = value + 1 WHERE name = 'change_lock'"

    /// The highest ban id so far; read under the lock, before a flush adds its rows.
    static let lastBanID = "SELECT COALESCE(MAX(id), 0) FROM bans"

    /// Logs the bans after id `after` as added at `now` (one row per flush, none when it added no ban).
    static func logAdded(after: Int64, now: Int64) -> String {
        """
        INSERT INTO warden_changes(kind, ban_id, made_ns)
        SELECT 1, MIN(id), \(now) FROM bans WHERE id > \(after) HAVING MIN(id) IS NOT NULL
        """
    }

    /// Logs `delete_all` at `now`: every ban so far.
    static func logEndedThrough(now: Int64) -> String {
        "INSERT INTO warden_changes(kind, ban_id, ended_ns, made_ns) SELECT 3, MAX(id), \(now), \(now) FROM bans"
    }

    /// The newest position made before `cutoff` (0 when none).
    static func forgettable(cutoff: Int64) -> String {
        "SELECT COALESCE(MAX(position), 0) FROM warden_changes WHERE made_ns < \(cutoff)"
    }

    /// Moves the horizon past the added range that holds ban `id`, just purged: cursors
    /// before it could no longer learn that ban.
    static func purgedAdded(_ id: Int64) -> String {
        """
        UPDATE warden_state SET value = GREATEST(value,
            (SELECT COALESCE(MAX(position), 0) + 1 FROM warden_changes WHERE kind = 1 AND ban_id <= \(id)))
        WHERE name = 'changes_horizon'
        """
    }

    /// Forgets the positions up to `bound`.
    static func forget(through bound: Int64) -> [String] {
        [
            "UPDATE warden_state SET value = GREATEST(value, \(bound + 1)) WHERE name = 'changes_horizon'",
            "DELETE FROM warden_changes WHERE position <= \(bound)",
        ]
    }

    /// The next position and the oldest kept (the next one when nothing is kept).
    static let bounds = """
        SELECT GREATEST(m.hi + 1, s.value), GREATEST(COALESCE(m.lo, m.hi + 1), s.value)
        FROM (SELECT COALESCE(MAX(position), 0) AS hi, MIN(position) AS lo FROM warden_changes) AS m
        JOIN warden_state AS s ON s.name = 'changes_horizon'
        """

    static func entries(from cursor: Int64) -> String {
        "SELECT position, kind, ban_id, COALESCE(ended_ns, 0) FROM warden_changes WHERE position >= \(cursor) ORDER BY position"
    }

    /// The bans from id `from` on, in id order, laid out as `activeAt`.
    static func rows(from: Int64) -> String {
        "SELECT \(PostgreSQLQueries.rowColumns("b")) FROM bans AS b WHERE b.id >= \(from) AND b.simulated = 0 ORDER BY b.id"
    }

    /// A snapshot (`cursor` 0: the bans live at `now`) or the changes from `cursor` on, read
    /// in one REPEATABLE READ transaction, so what is reported and the cursor returned
    /// agree. Returns the next cursor.
    /// - Throws: ``BackendError`` `.staleCursor` when `cursor` is outside the kept history.
    static func read(
        _ db: PostgreSQLConnection, since cursor: Int64, now: Int64, sink: (UnsafePointer<warden_change_t>) -> Bool
    ) throws -> Int64 {
        try db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        defer { _ = try? db.execute("COMMIT") }  // ends a read: nothing to lose
        var head: Int64 = 1, horizon: Int64 = 1
        try db.query(bounds) { row in
            head = row.int(0)
            horizon = row.int(1)
            return true
        }
        guard cursor != 0 else {
            var complete = true, change = warden_change_t()
            try db.stream(PostgreSQLQueries.activeAt(now)) { row in
                var ban = PostgreSQLBanRow.row(row)
                complete = FeedMerge.added(&ban, change: &change, sink)
                return complete
            }
            return complete ? head : 0
        }
        guard cursor >= horizon, cursor <= head else {
            throw BackendError(
                .staleCursor,
                "postgresql: changes_since: cursor \(cursor) is outside the change history this database keeps "
                    + "(\(horizon)...\(head)); read everything again from cursor 0")
        }
        var entries: [FeedMerge.Entry] = []
        try db.query(self.entries(from: cursor)) { row in
            entries.append(FeedMerge.Entry(
                position: row.int(0), kind: UInt32(truncatingIfNeeded: row.int(1)), banID: row.int(2), endedNs: row.int(3)))
            return true
        }
        var merge = FeedMerge(entries: entries)
        if let firstAdded = merge.firstAddedBanID {
            try db.stream(rows(from: firstAdded)) { row in
                var ban = PostgreSQLBanRow.row(row)
                return merge.deliver(&ban, to: sink)
            }
        }
        return merge.finish(head: head, to: sink)
    }
}

/// The columns `activeAt` and ``PostgreSQLFeed/rows(from:)`` share (``PostgreSQLQueries/rowColumns(_:)``),
/// as an ABI row whose strings borrow the result row.
enum PostgreSQLBanRow {
    static func row(_ r: PostgreSQLRow) -> warden_ban_row_t {
        var row = warden_ban_row_t()
        row.struct_size = UInt32(MemoryLayout<warden_ban_row_t>.size)
        row.id = r.int(0)
        row.scope = UInt32(truncatingIfNeeded: r.int(1))
        row.target = r.text(2)
        row.origin = r.text(3)
        row.action = r.text(4)
        row.reason = r.text(5)
        row.scenario = r.text(6)
        row.country = r.text(7)
        row.as_name = r.text(8)
        row.as_number = r.int(9)
        row.until_ns = r.int(10)
        row.created_ns = r.int(11)
        row.ban_count = r.int(12)
        row.events_count = r.int(13)
        return row
    }
}
