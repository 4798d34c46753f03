/// The database layout, as numbered migrations recorded in `PRAGMA user_version`.
///
/// One row of `bans` is one ban application with the fields of the signal that
/// carried it; the signal's first ban has `signal_id` NULL and the others point
/// at it, so `IFNULL(signal_id, id)` names the signal. The signal's `signal_scenario`,
/// `signal_source`, `start_ns` and `stop_ns` are NULL when they equal the ban's
/// `scenario`, `target` and `created_ns` (the common case), to keep rows narrow; `events` holds signal
/// events. A target may have several live bans (ABI 1.2); a row is active at time t
/// when it was created at or before t, its until is after t, it is not simulated, and
/// it had not ended by t: `ended_ns` (deleted or swept), unless `delete_all` ended it:
/// each `delete_all` adds one `ended_through` row, "every ban with an id up to
/// `through_id` ended at `at_ns`", so it costs one row whatever the number of bans, and
/// a read of a past time still knows what was live then. Older rows are history and
/// count in `bancount`/`events_count` until retention purges them.
///
/// `changes` is the `warden.changes/1` feed: one row per change to the live bans, its
/// `position` given under SQLite's single write lock, so positions commit in order, and
/// never handed out twice: positions are MAX + 1, and retention keeps the newest row
/// (AUTOINCREMENT would promise the same at one more page written per commit), moving
/// `changes_horizon`, the oldest position still reported, past what it forgets. Kind 1 (added) covers the bans from
/// `ban_id` up to the next added row's `ban_id` (ids also grow in commit order, and
/// the newest row is never purged, so they are never reused): one row per flush,
/// not per ban. Kind 2 (ended)
/// and 3 (ended through) hold what they ended and when, so purging a ban never loses
/// its end. Retention forgets the rows made before `max_records_age`, and moves the
/// horizon past the added range of the newest ban it purges.
enum Schema {
    /// Each entry upgrades the file from version `index` to `index + 1`.
    static let migrations: [String] = [
        // 1: bans with their signals, the delete_all watermark.
        """
        CREATE TABLE bans (
            id INTEGER PRIMARY KEY,
            signal_id INTEGER,
            target TEXT NOT NULL,
            scope INTEGER NOT NULL,
            range_start BLOB,
            range_end BLOB,
            origin TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT NOT NULL,
            scenario TEXT NOT NULL,
            country TEXT NOT NULL,
            as_name TEXT NOT NULL,
            as_number INTEGER NOT NULL,
            until_ns INTEGER NOT NULL,
            created_ns INTEGER NOT NULL,
            signal_scenario TEXT,
            signal_message TEXT NOT NULL,
            signal_source TEXT,
            events_count INTEGER NOT NULL,
            start_ns INTEGER,
            stop_ns INTEGER,
            simulated INTEGER NOT NULL,
            ended_ns INTEGER
        );
        CREATE INDEX bans_target ON bans(target, events_count);
        CREATE INDEX bans_until ON bans(until_ns);
        CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO state(key, value) VALUES ('ended_through', 0);
        """,
        // 2: signal events; containment lookups of ranges; ended rows, for counting live bans.
        """
        CREATE TABLE events (
            signal_id INTEGER NOT NULL,
            time_ns INTEGER NOT NULL,
            source TEXT NOT NULL,
            serialized TEXT NOT NULL
        );
        CREATE INDEX events_signal ON events(signal_id);
        CREATE INDEX bans_range ON bans(range_start, range_end) WHERE scope = 2;
        CREATE INDEX bans_ended ON bans(id) WHERE ended_ns IS NOT NULL;
        """,
        // 3: each delete_all watermark keeps its time. The single watermark of version 2
        // has none: it gets the latest creation among the bans it ended, the earliest time
        // delete_all can have run, so no read at or after the real time lists those bans.
        """
        CREATE TABLE ended_through (through_id INTEGER PRIMARY KEY, at_ns INTEGER NOT NULL);
        INSERT INTO ended_through(through_id, at_ns)
            SELECT s.value, (SELECT IFNULL(MAX(b.created_ns), 0) FROM bans AS b WHERE b.id <= s.value)
            FROM state AS s WHERE s.key = 'ended_through' AND s.value > 0;
        DROP TABLE state;
        """,
        // 4: the change feed of warden.changes/1.
        """
        CREATE TABLE changes (
            position INTEGER PRIMARY KEY,
            kind INTEGER NOT NULL,
            ban_id INTEGER NOT NULL,
            ended_ns INTEGER,
            made_ns INTEGER NOT NULL
        );
        CREATE TABLE changes_horizon (position INTEGER NOT NULL);
        INSERT INTO changes_horizon(position) VALUES (1);
        """,
        // 5: warden.history/1. Signal labels; deleted signals; the bans of a signal found
        // from its first one; addresses of IP bans as bytes too (version 4 left them NULL:
        // ``backfillAddresses(_:)`` fills them in), so containment reads an index.
        """
        CREATE TABLE labels (signal_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);
        CREATE INDEX labels_signal ON labels(signal_id);
        CREATE TABLE deleted_signals (signal_id INTEGER PRIMARY KEY, at_ns INTEGER NOT NULL);
        CREATE INDEX bans_signal ON bans(signal_id) WHERE signal_id IS NOT NULL;
        CREATE INDEX bans_address ON bans(range_start) WHERE scope = 1;
        """,
        // 6: ABI 1.2, stacked bans: a ban no longer ends when a later ban of its target is
        // stored. The bans that versions 1-5 left for readers to infer as replaced get
        // that end written (the creation of the next ban of their target), so every end
        // is explicit; the bans stored live are indexed by target, for deletes and counts.
        """
        UPDATE bans SET ended_ns = (SELECT MIN(l.created_ns) FROM bans AS l WHERE l.target = bans.target AND l.id > bans.id)
        WHERE ended_ns IS NULL AND id < (SELECT MAX(l.id) FROM bans AS l WHERE l.target = bans.target);
        CREATE INDEX bans_unended ON bans(target) WHERE ended_ns IS NULL AND simulated = 0;
        """,
        // 7: warden.documents/1, named texts written by compare and swap (see ``DocumentQueries``).
        """
        CREATE TABLE IF NOT EXISTS warden_documents (
            name TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            text BLOB NOT NULL
        );
        """,
    ]

    static var currentVersion: Int { migrations.count }

    /// Brings the file to ``currentVersion`` in one immediate transaction.
    /// - Throws: when the file is newer than this backend, or a migration fails.
    static func migrate(_ db: SQLiteConnection) throws {
        let found = Int(try db.statement(.userVersion).scalar())
        if found == currentVersion { return }
        try db.execute("BEGIN IMMEDIATE")
        do {
            // Read again under the write lock: another process may have migrated meanwhile.
            let version = Int(try db.statement(.userVersion).scalar())
            guard version <= currentVersion else {
                throw SchemaTooNew(found: version)
            }
            for step in version..<currentVersion {
                try db.execute(migrations[step])
                if step == 4 { try backfillAddresses(db) }
            }
            try db.execute("PRAGMA user_version = \(currentVersion)")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Gives the IP bans that version 4 stored without them their address as 16 bytes
    /// (IPv4 mapped to ::ffff:0:0/96), as inserts now write it.
    static func backfillAddresses(_ db: SQLiteConnection) throws {
        let rows = try SQLiteStatement(
            connection: db, sql: "SELECT id, target FROM bans WHERE scope = 1 AND range_start IS NULL", persistent: false)
        defer { rows.finalize() }
        let update = try SQLiteStatement(
            connection: db, sql: "UPDATE bans SET range_start = ?2, range_end = ?2 WHERE id = ?1", persistent: false)
        defer { update.finalize() }
        var found: [(Int64, [UInt8])] = []
        while try rows.step() {
            let text = rows.text(1)
            let target = String(decoding: UnsafeRawBufferPointer(start: text.pointer, count: text.count), as: UTF8.self)
            if let bytes = AddressBytes.parse(target) { found.append((rows.int64(0), bytes)) }
        }
        for (id, bytes) in found {
            update.bind(id, at: 1)
            update.bind(blob: bytes, at: 2)
            try update.run()
        }
    }

    /// The file was written by a newer Warden.
    struct SchemaTooNew: Error {
        var found: Int
    }
}
