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

/// A read-only connection to CrowdSec's SQLite database.
final class CrowdSecSQLite {
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

    /// Every bouncer, machine, decision, and the alerts of the decisions.
    /// - Throws: ``CommandFailure`` when a table cannot be read (not CrowdSec's database).
    func read() throws -> CrowdSecData {
        var data = CrowdSecData()
        try query("SELECT name, api_key, revoked, auth_type, created_at FROM bouncers ORDER BY id") { row in
            data.bouncers.append(CrowdSecData.Bouncer(
                name: row.text(0), keyDigest: row.text(1).lowercased(), revoked: row.int(2) != 0,
                authType: row.text(3), createdNs: row.time(4)))
        }
        try query("SELECT machine_id, password, is_validated, auth_type, created_at FROM machines ORDER BY id") { row in
            data.machines.append(CrowdSecData.Machine(
                name: row.text(0), passwordHash: row.text(1), validated: row.int(2) != 0, authType: row.text(3),
                createdNs: row.time(4)))
        }
        try query(
            "SELECT id, until, scenario, type, scope, value, origin, simulated, alert_decisions FROM decisions ORDER BY id"
        ) { row in
            data.decisions.append(CrowdSecData.Decision(
                id: row.int(0), untilNs: row.time(1), scenario: row.text(2), type: row.text(3), scope: row.text(4),
                value: row.text(5), origin: row.text(6), simulated: row.int(7) != 0,
                alertID: row.isNull(8) ? nil : row.int(8)))
        }
        try query(
            """
            SELECT id, scenario, message, source_scope, source_value, started_at, stopped_at, source_country,
                   source_as_name, source_as_number FROM alerts ORDER BY id
            """
        ) { row in
            let alert = CrowdSecData.Alert(
                id: row.int(0), scenario: row.text(1), message: row.text(2), sourceScope: row.text(3),
                sourceValue: row.text(4), startNs: row.time(5), stopNs: row.time(6), country: row.text(7),
                asName: row.text(8), asNumber: Int64(row.text(9)) ?? 0)
            data.alerts[alert.id] = alert
        }
        return data
    }

    /// One result row.
    struct Row {
        let statement: OpaquePointer
        let sqlite: SQLiteLibrary

        func isNull(_ column: Int32) -> Bool { sqlite.columnType(statement, column) == SQLiteLibrary.null }
        func int(_ column: Int32) -> Int64 { sqlite.columnInt64(statement, column) }
        func text(_ column: Int32) -> String {
            guard let bytes = sqlite.columnText(statement, column) else { return "" }
            return String(cString: bytes)
        }

        /// A time as CrowdSec's Go driver (mattn/go-sqlite3) stores it: text such as
        /// `2026-12-07 22:58:11+00:00` or `…11.511934249+00:00` (any zone offset, `T` or
        /// `Z` accepted too), or whole seconds since 1970 in an integer column. Nil for NULL.
        func time(_ column: Int32) -> Int64? {
            switch sqlite.columnType(statement, column) {
            case SQLiteLibrary.null: return nil
            case SQLiteLibrary.integer:
                let (ns, overflow) = int(column).multipliedReportingOverflow(by: 1_000_000_000)
                return overflow ? nil : ns
            default: return Timestamp.parse(text(column))
            }
        }
    }

    private func query(_ sql: String, _ each: (Row) throws -> Void) throws {
        var statement: OpaquePointer?
        guard sqlite.prepare(handle, sql, -1, &statement, nil) == SQLiteLibrary.ok, let statement else {
            throw failure()
        }
        defer { _ = sqlite.finalize(statement) }
        while true {
            let status = sqlite.step(statement)
            if status == SQLiteLibrary.done { return }
            guard status == SQLiteLibrary.row else { throw failure() }
            try each(Row(statement: statement, sqlite: sqlite))
        }
    }

    private func failure() -> CommandFailure {
        CommandFailure(
            description: "cannot read CrowdSec's database \(path): \(sqlite.errmsg(handle).map { String(cString: $0) } ?? "unknown error"); "
                + "check that db_config.db_path names the database of a CrowdSec 1.4 or later")
    }
}
