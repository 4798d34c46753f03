/// The database layout, as numbered migrations recorded in `warden_schema`.
///
/// The model is the SQLite backend's: one `bans` row per ban application with its
/// signal's fields (bans of one signal share `signal_uid`; signal fields that repeat
/// the ban's are NULL); a row is active at time t when it was created at or before t,
/// its until is after t, it is not simulated, and it had not ended by t: deleted or
/// swept (`ended_ns`), or covered by a `delete_all`, which adds one
/// `warden_ended_through` row ("every ban with an id up to `through_id` ended at
/// `at_ns`"). A target may have several active rows (ABI 1.2). `warden_state` held version 1's untimed
/// watermark; version 2 copies it and no longer reads it. Version 3 adds the
/// `warden.changes/1` feed, `warden_changes` (see ``MySQLFeed``), with two rows of
/// `warden_state`: `change_lock`, which every writer locks first, and `changes_horizon`.
/// Version 4 adds `warden.history/1` (see ``MySQLHistory``). Version 5 (ABI 1.2) writes
/// the end of every ban that versions 1-4 left for readers to infer as replaced (the
/// creation of its target's next ban): bans no longer replace each other. Version 6 adds
/// `warden.documents/1` (see `MySQLDocuments.swift`). Every statement is
/// idempotent (`IF NOT EXISTS`, `INSERT IGNORE`, a duplicate index tolerated), so two
/// hosts migrating one database at once both succeed. Works on MariaDB >= 10.5 and MySQL 8.
enum MySQLSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE IF NOT EXISTS bans (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                signal_uid BIGINT NOT NULL,
                target VARCHAR(64) NOT NULL,
                scope TINYINT NOT NULL,
                range_start VARBINARY(16) NULL,
                range_end VARBINARY(16) NULL,
                origin VARCHAR(64) NOT NULL,
                action VARCHAR(64) NOT NULL,
                reason VARCHAR(1024) NOT NULL,
                scenario VARCHAR(255) NOT NULL,
                country VARCHAR(8) NOT NULL,
                as_name VARCHAR(255) NOT NULL,
                as_number BIGINT NOT NULL,
                until_ns BIGINT NOT NULL,
                created_ns BIGINT NOT NULL,
                signal_scenario VARCHAR(255) NULL,
                signal_message VARCHAR(1024) NOT NULL,
                signal_source VARCHAR(64) NULL,
                events_count BIGINT NOT NULL,
                start_ns BIGINT NULL,
                stop_ns BIGINT NULL,
                simulated TINYINT NOT NULL,
                ended_ns BIGINT NULL,
                KEY bans_target (target, events_count),
                KEY bans_until (until_ns),
                KEY bans_ended (ended_ns)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            """
            CREATE TABLE IF NOT EXISTS events (
                signal_uid BIGINT NOT NULL,
                time_ns BIGINT NOT NULL,
                source VARCHAR(64) NOT NULL,
                serialized TEXT NOT NULL,
                KEY events_signal (signal_uid)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            """
            CREATE TABLE IF NOT EXISTS warden_state (
                name VARCHAR(64) NOT NULL PRIMARY KEY,
                value BIGINT NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """,
            "INSERT IGNORE INTO warden_state(name, value) VALUES ('ended_through', 0)",
        ],
        // 2: each delete_all watermark keeps its time. Version 1's has none: it gets the
        // latest creation among the bans it ended, the earliest time delete_all can have
        // run, so no read at or after the real time lists those bans.
        [
            """
            CREATE TABLE IF NOT EXISTS warden_ended_through (
                through_id BIGINT NOT NULL PRIMARY KEY,
                at_ns BIGINT NOT NULL
            ) ENGINE=InnoDB
            """,
            """
            INSERT IGNORE INTO warden_ended_through(through_id, at_ns)
            SELECT s.value, (SELECT COALESCE(MAX(b.created_ns), 0) FROM bans AS b WHERE b.id <= s.value)
            FROM warden_state AS s WHERE s.name = 'ended_through' AND s.value > 0
            """,
        ],
        // 3: the change feed of warden.changes/1, and the row its writers lock.
        [
            """
            CREATE TABLE IF NOT EXISTS warden_changes (
                position BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                kind TINYINT NOT NULL,
                ban_id BIGINT NOT NULL,
                ended_ns BIGINT NULL,
                made_ns BIGINT NOT NULL
            ) ENGINE=InnoDB
            """,
            "INSERT IGNORE INTO warden_state(name, value) VALUES ('change_lock', 0), ('changes_horizon', 1)",
        ],
        // 4: warden.history/1: signal labels, deleted signals, a signal's bans by uid,
        // containment by address (IP bans get their 16 bytes too, as inserts now write).
        [
            """
            CREATE TABLE IF NOT EXISTS warden_labels (
                signal_uid BIGINT NOT NULL,
                label_key VARCHAR(255) NOT NULL,
                label_value TEXT NOT NULL,
                KEY labels_signal (signal_uid)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            """
            CREATE TABLE IF NOT EXISTS warden_deleted_signals (
                signal_uid BIGINT NOT NULL PRIMARY KEY,
                at_ns BIGINT NOT NULL
            ) ENGINE=InnoDB
            """,
            "CREATE INDEX bans_signal ON bans(signal_uid)",
            "CREATE INDEX bans_span ON bans(scope, range_start, range_end)",
            """
            UPDATE bans SET range_start = IF(IS_IPV4(target), CONCAT(X'00000000000000000000FFFF', INET6_ATON(target)),
                INET6_ATON(target)), range_end = range_start
            WHERE scope = 1 AND range_start IS NULL
            """,
        ],
        // 5: ABI 1.2, stacked bans. Running it twice changes nothing: the second run finds
        // every replaced ban ended already. The LIMIT makes the server materialize the
        // derived table, as it must to read the table it updates.
        [
            """
            UPDATE bans AS b JOIN (
                SELECT o.id, (SELECT MIN(l.created_ns) FROM bans AS l WHERE l.target = o.target AND l.id > o.id) AS next_ns
                FROM bans AS o WHERE o.ended_ns IS NULL LIMIT 18446744073709551615) AS r ON b.id = r.id
            SET b.ended_ns = r.next_ns WHERE r.next_ns IS NOT NULL
            """,
        ],
        // 6: warden.documents/1, named texts written by compare and swap (see `MySQLDocuments.swift`).
        [
            """
            CREATE TABLE IF NOT EXISTS warden_documents (
                name VARCHAR(128) NOT NULL PRIMARY KEY,
                version BIGINT NOT NULL,
                text LONGBLOB NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin
            """,
        ],
    ]

    static var currentVersion: Int { migrations.count }

    /// Brings the database to ``currentVersion``.
    /// - Throws: ``SchemaTooNew`` when another Warden wrote a newer layout.
    static func migrate(_ db: MySQLConnection) throws {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS warden_schema (
                id TINYINT NOT NULL PRIMARY KEY,
                version INT NOT NULL
            ) ENGINE=InnoDB
            """)
        try db.execute("INSERT IGNORE INTO warden_schema(id, version) VALUES (1, 0)")
        let found = Int(try db.integers("SELECT version FROM warden_schema WHERE id = 1").first ?? 0)
        guard found <= currentVersion else { throw SchemaTooNew(found: found) }
        for step in found..<currentVersion {
            for statement in migrations[step] {
                do {
                    try db.execute(statement)
                } catch let error as MySQLError where error.code == 1061 {
                    // Duplicate key name: another host created that index first (MySQL 8 has no
                    // CREATE INDEX IF NOT EXISTS), which is what this statement wanted.
                }
            }
            try db.execute("UPDATE warden_schema SET version = \(step + 1) WHERE id = 1 AND version < \(step + 1)")
        }
    }

    struct SchemaTooNew: Error {
        var found: Int
    }
}
