import CSQLite

/// One prepared statement. Its connection owns it and finalizes it, once, in
/// ``SQLiteConnection/close()``, before closing the file.
final class SQLiteStatement {
    let sql: String
    /// Nil once finalized.
    private var statement: OpaquePointer?
    private unowned let connection: SQLiteConnection

    init(connection: SQLiteConnection, sql: String, persistent: Bool) throws {
        var raw: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(connection.handle, sql, -1, flags, &raw, nil)
        guard code == SQLITE_OK, let raw else { throw connection.error(code, sql: sql) }
        self.sql = sql
        self.statement = raw
        self.connection = connection
    }

    /// Frees the statement; called by the connection only. Later calls do nothing.
    func finalize() {
        sqlite3_finalize(statement)
        statement = nil
    }

    /// Binds SQL NULL.
    func bindNull(at index: Int32) {
        sqlite3_bind_null(statement, index)
    }

    /// Binds an integer to the 1-based parameter `index`.
    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(statement, index, value)
    }

    /// Binds text that stays valid until the statement is stepped and reset (no copy).
    func bind(borrowed text: UnsafeRawBufferPointer, at index: Int32) {
        let base = text.baseAddress?.assumingMemoryBound(to: CChar.self) ?? emptyText
        warden_sqlite3_bind_text_static(statement, index, base, Int32(text.count))
    }

    /// Binds a Swift string (copied by SQLite).
    func bind(_ text: String, at index: Int32) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                _ = warden_sqlite3_bind_text_transient(statement, index, $0.baseAddress ?? emptyText, Int32($0.count))
            }
        }
    }

    /// Binds bytes (copied by SQLite; no bytes as an empty blob), or NULL when `bytes` is nil.
    func bind(blob bytes: [UInt8]?, at index: Int32) {
        guard let bytes else {
            sqlite3_bind_null(statement, index)
            return
        }
        guard !bytes.isEmpty else {
            sqlite3_bind_zeroblob(statement, index, 0)  // a NULL pointer would bind SQL NULL
            return
        }
        bytes.withUnsafeBytes { _ = warden_sqlite3_bind_blob_transient(statement, index, $0.baseAddress, Int32($0.count)) }
    }

    /// Steps once: true when a row is ready, false when done.
    func step() throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let error = connection.error(code, sql: sql)
            sqlite3_reset(statement)
            throw error
        }
    }

    /// Runs to completion, then resets (bindings are kept for the next run).
    func run() throws {
        defer { sqlite3_reset(statement) }
        while try step() {}
    }

    /// Runs and returns the first column of the first row (0 when none), then resets.
    func scalar() throws -> Int64 {
        defer { sqlite3_reset(statement) }
        return try step() ? int64(0) : 0
    }

    /// Ends a read early; bindings are kept. (Borrowed text must be re-bound before each run.)
    func reset() {
        sqlite3_reset(statement)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column's text, copied.
    func string(_ column: Int32) -> String {
        let t = text(column)
        return String(decoding: UnsafeRawBufferPointer(start: t.pointer, count: t.count), as: UTF8.self)
    }

    /// The column's bytes read as a big-endian number (a `range_start`); 0 for NULL.
    func number(_ column: Int32) -> UInt128 {
        guard let blob = sqlite3_column_blob(statement, column) else { return 0 }
        let bytes = UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(statement, column)))
        return bytes.reduce(0) { $0 << 8 | UInt128($1) }
    }

    /// The column's bytes, copied (none for an empty blob or NULL).
    func blob(_ column: Int32) -> [UInt8] {
        guard let blob = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(statement, column))))
    }

    /// The column's text, borrowed until the next step or reset.
    func text(_ column: Int32) -> (pointer: UnsafePointer<CChar>?, count: Int) {
        let pointer = sqlite3_column_text(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        return (pointer.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, count)
    }
}

/// A valid pointer for zero-length text (SQLite treats a NULL pointer as SQL NULL).
private nonisolated(unsafe) let emptyText: UnsafePointer<CChar> = {
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    p.initialize(to: 0)
    return UnsafePointer(p)
}()
