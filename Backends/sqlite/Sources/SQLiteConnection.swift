import CSQLite

/// One SQLite connection with its cached statements. Not thread-safe: the
/// backend reaches it under its own lock only.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String
    private var cache = [SQLiteStatement?](repeating: nil, count: Query.allCases.count)

    /// Opens (creating if needed) the file at `path`.
    init(path: String, busyTimeoutMs: Int32) throws {
        var raw: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &raw, flags, nil)
        guard code == SQLITE_OK, let raw else {
            let message = raw.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let raw { sqlite3_close_v2(raw) }
            throw SQLiteError(code: code & 0xFF, extendedCode: code, message: message, sql: nil)
        }
        handle = raw
        self.path = path
        sqlite3_extended_result_codes(raw, 1)
        sqlite3_busy_timeout(raw, busyTimeoutMs)
    }

    deinit {
        close()
    }

    /// Finalizes every cached statement and closes the file. Safe to call twice.
    func close() {
        cache = cache.map { _ in nil }
        sqlite3_close_v2(handle)
    }

    func error(_ code: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: code & 0xFF, extendedCode: sqlite3_extended_errcode(handle),
                    message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code, sql: sql) }
    }

    /// The statement of `query`, prepared on first use and kept for the life of the connection.
    func statement(_ query: Query) throws -> SQLiteStatement {
        if let statement = cache[query.rawValue] { return statement }
        let statement = try SQLiteStatement(connection: self, sql: query.sql, persistent: true)
        cache[query.rawValue] = statement
        return statement
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether a transaction is open.
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
