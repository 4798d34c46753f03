import CWardenBackend
import Glibc
import WardenBackendKit

/// The MySQL side of `warden.changes/1`: the `warden_changes` table (schema 3).
///
/// Positions must become visible in the order they were given, or a reader that saw
/// position p could later find a smaller one committed after it. AUTO_INCREMENT alone
/// does not promise that (two transactions take 10 and 11, the one with 11 commits
/// first), so every transaction that changes bans first updates the `change_lock` row
/// of `warden_state` (``lock``), which InnoDB holds until COMMIT: writers commit one
/// at a time, and both the ban ids and the positions a writer takes come after those
/// of every earlier commit. On Galera the row is in both write sets, so of two nodes
/// writing at once one is refused at commit (a deadlock error) rather than reordered.
///
/// Kind 1 (added) covers the bans from `ban_id` up to the next added row's `ban_id`:
/// one row per flush. Kind 2 (ended)
/// and 3 (ended through) hold what they ended and when, so purging a ban never loses
/// its end. Retention forgets the rows made before `max_records_age` and moves
/// `changes_horizon` of `warden_state` past them and past the added range of the
/// newest ban it purges: the oldest position still reported, and the least the next
/// one can be (AUTO_INCREMENT never goes back).
enum MySQLFeed {
    /// Takes the writers' lock until COMMIT. Every transaction that writes `bans` takes it
    /// first (the expiry sweep and retention too), so writers never wait on each other in
    /// a cycle: a lock read inside this statement (MAX(id)) deadlocked two flushes.
    static let lock = "UPDATE warden_state SET value = value + 1 WHERE name = 'change_lock'"

    /// Logs the bans from id `from` on as added at `now` (one row per flush).
    static func logAdded(from: Int64, now: Int64) -> String {
        "INSERT INTO warden_changes(kind, ban_id, made_ns) VALUES (1, \(from), \(now))"
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

    /// The bans from id `from` on, in id order, with their target's history counts, laid out as `activeAt`.
    static func rows(from: Int64) -> String {
        """
        SELECT b.id, b.scope, b.target, b.origin, b.action, b.reason, b.scenario, b.country, b.as_name, b.as_number,
            b.until_ns, b.created_ns,
            (SELECT COUNT(*) FROM bans AS h WHERE h.target = b.target),
            (SELECT COALESCE(SUM(h.events_count), 0) FROM bans AS h WHERE h.target = b.target)
        FROM bans AS b WHERE b.id >= \(from) AND b.simulated = 0 ORDER BY b.id
        """
    }

    /// A snapshot (`cursor` 0: the bans live at `now`) or the changes from `cursor` on, read
    /// in one consistent snapshot, so what is reported and the cursor returned agree.
    /// Returns the next cursor.
    /// - Throws: ``BackendError`` `.staleCursor` when `cursor` is outside the kept history.
    static func read(
        _ db: MySQLConnection, since cursor: Int64, now: Int64, sink: (UnsafePointer<warden_change_t>) -> Bool
    ) throws -> Int64 {
        try db.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        defer { _ = try? db.execute("COMMIT") }  // ends a read: nothing to lose
        var head: Int64 = 1, horizon: Int64 = 1
        try db.query(bounds) { fields, _ in
            head = int(fields, 0)
            horizon = int(fields, 1)
            return true
        }
        guard cursor != 0 else {
            var complete = true, change = warden_change_t()
            try db.query(MySQLQueries.activeAt(now)) { fields, lengths in
                var row = MySQLRow.row(fields, lengths)
                complete = FeedMerge.added(&row, change: &change, sink)
                return complete
            }
            return complete ? head : 0
        }
        guard cursor >= horizon, cursor <= head else {
            throw BackendError(
                .staleCursor,
                "mysql: changes_since: cursor \(cursor) is outside the change history this database keeps "
                    + "(\(horizon)...\(head)); read everything again from cursor 0")
        }
        var entries: [FeedMerge.Entry] = []
        try db.query(self.entries(from: cursor)) { fields, _ in
            entries.append(FeedMerge.Entry(
                position: int(fields, 0), kind: UInt32(truncatingIfNeeded: int(fields, 1)), banID: int(fields, 2),
                endedNs: int(fields, 3)))
            return true
        }
        var merge = FeedMerge(entries: entries)
        if let firstAdded = merge.firstAddedBanID {
            try db.query(rows(from: firstAdded)) { fields, lengths in
                var row = MySQLRow.row(fields, lengths)
                return merge.deliver(&row, to: sink)
            }
        }
        return merge.finish(head: head, to: sink)
    }

    private static func int(_ fields: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ i: Int) -> Int64 {
        fields[i].map { strtoll($0, nil, 10) } ?? 0
    }
}

/// The columns `activeAt` and ``MySQLFeed/rows(from:)`` share, as an ABI row whose
/// strings borrow the current result row.
enum MySQLRow {
    static func row(
        _ fields: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ lengths: UnsafeMutablePointer<UInt>
    ) -> warden_ban_row_t {
        func text(_ i: Int) -> warden_str_t { warden_str_t(ptr: fields[i], len: Int(lengths[i])) }
        func int(_ i: Int) -> Int64 { fields[i].map { strtoll($0, nil, 10) } ?? 0 }
        var row = warden_ban_row_t()
        row.struct_size = UInt32(MemoryLayout<warden_ban_row_t>.size)
        row.id = int(0)
        row.scope = UInt32(truncatingIfNeeded: int(1))
        row.target = text(2)
        row.origin = text(3)
        row.action = text(4)
        row.reason = text(5)
        row.scenario = text(6)
        row.country = text(7)
        row.as_name = text(8)
        row.as_number = int(9)
        row.until_ns = int(10)
        row.created_ns = int(11)
        row.ban_count = int(12)
        row.events_count = int(13)
        return row
    }
}
