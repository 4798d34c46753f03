import WardenModel

/// What `warden migrate crowdsec` reads of CrowdSec's database (the ent schema of
/// CrowdSec 1.4: tables `bouncers`, `machines`, `decisions`, `alerts`).
struct CrowdSecData {
    struct Bouncer: Equatable {
        var name: String
        /// Lowercase hex SHA-512 of its key, as LAPI stores it (`api_key`).
        var keyDigest: String
        var revoked: Bool
        /// `api-key` or `tls`.
        var authType: String
        var createdNs: Int64?
    }

    struct Machine: Equatable {
        var name: String
        /// The bcrypt hash of its password.
        var passwordHash: String
        var validated: Bool
        /// `password` or `tls`.
        var authType: String
        var createdNs: Int64?
    }

    struct Decision: Equatable {
        var id: Int64
        /// When it ends; nil when the row has no end CrowdSec's driver wrote.
        var untilNs: Int64?
        var scenario: String
        var type: String
        var scope: String
        var value: String
        var origin: String
        var simulated: Bool
        var alertID: Int64?
    }

    struct Alert: Equatable {
        var id: Int64
        var scenario: String
        var message: String
        var sourceScope: String
        var sourceValue: String
        var startNs: Int64?
        var stopNs: Int64?
        var country: String
        var asName: String
        var asNumber: Int64
    }

    var bouncers: [Bouncer] = []
    var machines: [Machine] = []
    /// Every decision, in id order (the active ones are those whose `until` is after now).
    var decisions: [Decision] = []
    /// The alerts by id.
    var alerts: [Int64: Alert] = [:]
}

/// A connection to CrowdSec's database that answers a query with rows of text
/// (NULL as nil), as both SQLite and MySQL can.
protocol CrowdSecDatabase {
    /// Calls `each` with every row of `sql`.
    /// - Throws: ``CommandFailure`` naming the database and SQL's error.
    func rows(_ sql: String, _ each: ([String?]) throws -> Void) throws
}

extension CrowdSecDatabase {
    /// Every bouncer, machine, decision, and every alert.
    /// - Throws: ``CommandFailure`` when a table cannot be read (not CrowdSec's database).
    func read() throws -> CrowdSecData {
        var data = CrowdSecData()
        func text(_ row: [String?], _ column: Int) -> String { row[column] ?? "" }
        func int(_ row: [String?], _ column: Int) -> Int64 { row[column].flatMap { Int64($0) } ?? 0 }
        func flag(_ row: [String?], _ column: Int) -> Bool { ["1", "true", "t"].contains(row[column]?.lowercased() ?? "") }
        /// A time as CrowdSec's Go drivers store it: text such as `2026-12-07 22:58:11+00:00` or
        /// `…11.511934249+00:00` (mattn/go-sqlite3; any zone offset, `T` and `Z` accepted too),
        /// `2026-12-07 22:58:11` (MySQL, UTC as CrowdSec's driver writes it), or whole seconds
        /// since 1970. Nil for NULL and for text that is none of these.
        func time(_ row: [String?], _ column: Int) -> Int64? {
            guard let text = row[column], !text.isEmpty else { return nil }
            if text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let seconds = Int64(text) {
                let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
                return overflow ? nil : ns
            }
            return Timestamp.parse(text)
        }
        try rows("SELECT `name`, `api_key`, `revoked`, `auth_type`, `created_at` FROM `bouncers` ORDER BY `id`") { row in
            data.bouncers.append(CrowdSecData.Bouncer(
                name: text(row, 0), keyDigest: text(row, 1).lowercased(), revoked: flag(row, 2), authType: text(row, 3),
                createdNs: time(row, 4)))
        }
        try rows(
            "SELECT `machine_id`, `password`, `is_validated`, `auth_type`, `created_at` FROM `machines` ORDER BY `id`"
        ) { row in
            data.machines.append(CrowdSecData.Machine(
                name: text(row, 0), passwordHash: text(row, 1), validated: flag(row, 2), authType: text(row, 3),
                createdNs: time(row, 4)))
        }
        try rows(
            """
            SELECT `id`, `until`, `scenario`, `type`, `scope`, `value`, `origin`, `simulated`, `alert_decisions`
            FROM `decisions` ORDER BY `id`
            """
        ) { row in
            data.decisions.append(CrowdSecData.Decision(
                id: int(row, 0), untilNs: time(row, 1), scenario: text(row, 2), type: text(row, 3), scope: text(row, 4),
                value: text(row, 5), origin: text(row, 6), simulated: flag(row, 7),
                alertID: row[8].flatMap { Int64($0) }))
        }
        try rows(
            """
            SELECT `id`, `scenario`, `message`, `source_scope`, `source_value`, `started_at`, `stopped_at`,
                   `source_country`, `source_as_name`, `source_as_number` FROM `alerts` ORDER BY `id`
            """
        ) { row in
            let alert = CrowdSecData.Alert(
                id: int(row, 0), scenario: text(row, 1), message: text(row, 2), sourceScope: text(row, 3),
                sourceValue: text(row, 4), startNs: time(row, 5), stopNs: time(row, 6), country: text(row, 7),
                asName: text(row, 8), asNumber: Int64(text(row, 9)) ?? 0)
            data.alerts[alert.id] = alert
        }
        return data
    }
}

/// A read-only connection to CrowdSec's SQLite database.
final class CrowdSecSQLite: CrowdSecDatabase {
    private var handle: OpaquePointer?
    private let sqlite: SQLiteLibrary
    let path: String

    /// Opens `path` read-only (never created, never written).
    /// - Throws: ``CommandFailure`` saying why it cannot be opened.
    init(path: String) throws {
        self.path = path
        sqlite = try SQLiteLibrary.shared.get()
        var db: OpaquePointer?
        let status = sqlite.open(path, &db, SQLiteLibrary.openReadOnly, nil)
        handle = db
        guard status == SQLiteLibrary.ok else {
            let reason = sqlite.errmsg(db).map { String(cString: $0) } ?? "out of memory"
            _ = sqlite.close(db)
            handle = nil
            throw CommandFailure(
                description: "cannot open CrowdSec's database \(path): \(reason); check db_config.db_path and that "
                    + "this user may read the file")
        }
        _ = sqlite.busyTimeout(db, 2000)
    }

    deinit { _ = sqlite.close(handle) }

    func rows(_ sql: String, _ each: ([String?]) throws -> Void) throws {
        var statement: OpaquePointer?
        guard sqlite.prepare(handle, sql, -1, &statement, nil) == SQLiteLibrary.ok, let statement else {
            throw failure()
        }
        defer { _ = sqlite.finalize(statement) }
        let count = sqlite.columnCount(statement)
        while true {
            let status = sqlite.step(statement)
            if status == SQLiteLibrary.done { return }
            guard status == SQLiteLibrary.row else { throw failure() }
            try each((0..<count).map { column in
                guard sqlite.columnType(statement, column) != SQLiteLibrary.null else { return nil }
                return sqlite.columnText(statement, column).map { String(cString: $0) } ?? ""
            })
        }
    }

    private func failure() -> CommandFailure {
        CommandFailure(
            description: "cannot read CrowdSec's database \(path): \(sqlite.errmsg(handle).map { String(cString: $0) } ?? "unknown error"); "
                + "check that db_config.db_path names the database of a CrowdSec 1.4 or later")
    }
}
