/// The database layout, as numbered migrations recorded in `PRAGMA user_version`.
///
/// One row of `bans` is one ban application with the fields of the signal that
/// carried it; the signal's first ban has `signal_id` NULL and the others point
/// at it, so `IFNULL(signal_id, id)` names the signal. The signal's `signal_scenario`,
/// `signal_source`, `start_ns` and `stop_ns` are NULL when they equal the ban's
/// `scenario`, `target` and `created_ns` (the common case), to keep rows narrow; `events` holds signal
/// events. Nothing is rewritten when a ban is replaced: the live ban of a target
/// is its newest row, unless that row is ended (`ended_ns`) or at or below the
/// `ended_through` watermark that `delete_all` moves. Older rows are history and
/// count in `bancount`/`events_count` until retention purges them.
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
            }
            try db.execute("PRAGMA user_version = \(currentVersion)")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// The file was written by a newer Warden.
    struct SchemaTooNew: Error {
        var found: Int
    }
}
