import CSQLite

/// One SQLite connection with its cached statements. Not thread-safe: the
/// backend reaches it under its own lock only.
///
/// The connection is the one owner of the `sqlite3*` and of every statement
/// prepared on it: ``close()`` finalizes the statements, then closes the file,
/// and sets the handle to nil, so closing twice is a no-op rather than a
/// second `sqlite3_close` on freed memory.
final class SQLiteConnection {
    /// The open handle, nil once ``close()`` ran.
    private(set) var handle: OpaquePointer?
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

    /// The owner closes the connection (the backend's `shutdown`, or the failed
    /// set-up that opened it); this is only the safety net for a path that forgot.
    deinit {
        guard handle != nil else { return }
        assertionFailure("sqlite: the connection to '\(path)' was released while open; close() it first")
        close()
    }

    /// Finalizes every cached statement, then closes the file. Later calls do nothing.
    func close() {
        guard let handle else { return }
        for statement in cache { statement?.finalize() }
        cache = cache.map { _ in nil }
        // Every statement is finalized, so this closes at once (no zombie connection).
        sqlite3_close_v2(handle)
        self.handle = nil
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

    /// The statement of `query`, prepared on first use and kept until ``close()``.
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
