import CSQLite

/// A failed SQLite call: result codes, SQLite's own message, and the SQL that failed.
struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var extendedCode: Int32
    var message: String
    var sql: String?

    /// "SQLite error 26 (SQLITE_NOTADB): file is not a database - while executing `PRAGMA user_version`"
    var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        let while_ = sql.map { " - while executing `\($0)`" } ?? ""
        return "SQLite error \(extendedCode) (\(name)): \(message)\(while_)"
    }

    /// Whether another connection held the lock past the busy timeout.
    var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
}
