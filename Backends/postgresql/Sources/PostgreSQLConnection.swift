import CPostgreSQL
import CWardenBackend
import Glibc
import WardenBackendKit

/// One row of a result, borrowed until the sink returns.
struct PostgreSQLRow {
    let result: OpaquePointer
    let index: Int32

    func isNull(_ column: Int) -> Bool { PQgetisnull(result, index, Int32(column)) != 0 }

    /// The column's text, borrowed like the row.
    func text(_ column: Int) -> warden_str_t {
        warden_str_t(ptr: PQgetvalue(result, index, Int32(column)), len: Int(PQgetlength(result, index, Int32(column))))
    }

    func string(_ column: Int) -> String {
        String(decoding: text(column).bytes, as: UTF8.self)
    }

    /// The column as an integer; NULL reads as 0.
    func int(_ column: Int) -> Int64 {
        guard !isNull(column), let pointer = PQgetvalue(result, index, Int32(column)) else { return 0 }
        return strtoll(pointer, nil, 10)
    }

    /// A bytea column (text format, `\x` and hex digits) as a big-endian number; NULL reads as 0.
    func number(_ column: Int) -> UInt128 {
        let bytes = text(column).bytes
        guard bytes.count > 2 else { return 0 }
        var value: UInt128 = 0
        for c in bytes.dropFirst(2) {
            let digit = c <= 57 ? c &- 48 : (c | 0x20) &- 87
            value = value << 4 | UInt128(digit & 0xF)
        }
        return value
    }
}

/// One connection through libpq, owned here and closed in `deinit`, the only place that
/// closes it: the backend drops the connection to close it (on shutdown, or when it
/// broke). Not thread-safe: the backend reaches it under its lock only.
final class PostgreSQLConnection {
    private let handle: OpaquePointer

    /// Connects to the first host of the list that takes the session the settings ask
    /// for (read-write by default). When the database does not exist yet and the user
    /// may create it, creates it (UTF-8, so every text Warden stores fits).
    convenience init(_ settings: PostgreSQLSettings) throws {
        do {
            try self.init(settings, database: settings.database)
        } catch let error as PostgreSQLError where error.isUnknownDatabase || error.message.contains("does not exist") {
            let server = try PostgreSQLConnection(settings, database: "postgres")
            do {
                try server.execute("CREATE DATABASE \"\(settings.database)\" ENCODING 'UTF8' TEMPLATE template0")
            } catch let error as PostgreSQLError where error.sqlState == "42P04" || error.sqlState == "23505" {
                // Another host created it first (23505 when both got past the server's own check).
            }
            try self.init(settings, database: settings.database)
        }
    }

    private init(_ settings: PostgreSQLSettings, database: String) throws {
        let pairs = settings.connectionParameters(database: database)
        let keywords = pairs.map { strdup($0.0) }, values = pairs.map { strdup($0.1) }
        defer { (keywords + values).forEach { free($0) } }
        let handle: OpaquePointer? = (keywords + [nil]).map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            (values + [nil]).map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let handle else {
            throw PostgreSQLError(sqlState: "", message: "out of memory", sql: nil, connectionBroken: true)
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            // libpq has no SQLSTATE for a failed connection: a missing database is named in the text.
            let missing = message.contains("database \"\(database)\" does not exist")
            throw PostgreSQLError(sqlState: missing ? "3D000" : "", message: message, sql: nil, connectionBroken: !missing)
        }
        // The server's notices ("relation already exists, skipping") would go to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        var text = String(cString: message)
        while text.last == "\n" || text.last == " " { text.removeLast() }
        return text.replacingNewlines()
    }

    private func error(_ result: OpaquePointer?, sql: String?) -> PostgreSQLError {
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        let message = result.flatMap { PQresultErrorMessage($0) }.map { Self.trimmed($0) } ?? ""
        return PostgreSQLError(
            sqlState: state, message: message.isEmpty ? Self.trimmed(PQerrorMessage(handle)) : message, sql: sql,
            connectionBroken: PQstatus(handle) != CONNECTION_OK)
    }

    /// The host and port of the server this connection reached (one of a multi-host list).
    var reachedEndpoint: String {
        let host = PQhost(handle).map { String(cString: $0) } ?? "?"
        let port = PQport(handle).map { String(cString: $0) } ?? "?"
        return "\(host):\(port)"
    }

    /// Sends `sql` with `texts` bound as $1, $2... (type text, their exact bytes); false when
    /// libpq could not send it.
    private func send(_ sql: String, _ texts: [[UInt8]]) -> Bool {
        let types = [Oid](repeating: 25, count: texts.count)  // text: the server never has to guess
        let lengths = texts.map { Int32($0.count) }, formats = [Int32](repeating: 1, count: texts.count)  // binary: as is
        var pointers: [UnsafePointer<CChar>?] = []
        func send(from i: Int) -> Bool {
            guard i < texts.count else {
                return PQsendQueryParams(handle, sql, Int32(texts.count), types, pointers, lengths, formats, 0) == 1
            }
            // One byte more than the length says: an empty text still gets a pointer (NULL is SQL's NULL).
            return (texts[i] + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    pointers.append(chars.baseAddress)
                    return send(from: i + 1)
                }
            }
        }
        return send(from: 0)
    }

    /// Runs one statement, discarding any rows; returns the affected rows.
    @discardableResult
    func execute(_ sql: String, _ texts: [[UInt8]] = []) throws -> Int {
        var affected = 0
        try run(sql, texts) { result in
            affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        } row: { _ in true }
        return affected
    }

    /// Runs `sql` and gives its rows to `body`, each borrowed until `body` returns. Return
    /// false to stop. The whole result is held in memory: for small results; see ``stream(_:_:)``.
    func query(_ sql: String, _ texts: [[UInt8]] = [], _ body: (PostgreSQLRow) -> Bool) throws {
        try run(sql, texts, done: { _ in }, row: body)
    }

    /// Gives the rows of `sql` to `body` through a cursor, ``batchRows`` at a time: memory
    /// stays bounded whatever the result's size, at a fraction of the cost of libpq's
    /// single-row mode (one result per row). Opens a read-only transaction when none is open.
    /// Return false from `body` to stop.
    func stream(_ sql: String, _ body: (PostgreSQLRow) -> Bool) throws {
        let own = PQtransactionStatus(handle) == PQTRANS_IDLE
        if own { try execute("BEGIN READ ONLY") }
        do {
            try execute("DECLARE warden_rows NO SCROLL CURSOR FOR " + sql)
            var going = true, fetched = Self.batchRows
            while going && fetched == Self.batchRows {
                fetched = 0
                try run("FETCH \(Self.batchRows) FROM warden_rows", [], done: { _ in }) { row in
                    fetched += 1
                    going = body(row)
                    return going
                }
            }
            try execute("CLOSE warden_rows")
            if own { try execute("COMMIT") }
        } catch let error as PostgreSQLError where own && !error.isConnectionLost {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows a ``stream(_:_:)`` fetches at a time.
    static let batchRows = 1000

    /// The integers of the first column of every row (NULL reads as 0).
    func integers(_ sql: String, _ texts: [[UInt8]] = []) throws -> [Int64] {
        var found: [Int64] = []
        try query(sql, texts) { row in
            found.append(row.int(0))
            return true
        }
        return found
    }

    private func run(
        _ sql: String, _ texts: [[UInt8]], done: (OpaquePointer) -> Void,
        row: (PostgreSQLRow) -> Bool
    ) throws {
        guard send(sql, texts) else { throw error(nil, sql: sql) }
        var failure: PostgreSQLError?
        var wanted = true
        // Every result must be read before the next statement, even after a failure or a stop.
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK:
                for i in 0..<PQntuples(result) where wanted { wanted = row(PostgreSQLRow(result: result, index: i)) }
                done(result)
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                done(result)
            default:
                if failure == nil { failure = error(result, sql: sql) }
            }
        }
        if let failure { throw failure }
        if PQstatus(handle) != CONNECTION_OK { throw error(nil, sql: sql) }
    }

    /// Runs `COPY ... FROM STDIN` (`sql`) with `data`, already in COPY's text format.
    func copy(_ sql: String, _ data: [UInt8]) throws {
        guard send(sql, []) else { throw error(nil, sql: sql) }
        guard let start = PQgetResult(handle) else { throw error(nil, sql: sql) }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            let failure = error(start, sql: sql)
            PQclear(start)
            while let rest = PQgetResult(handle) { PQclear(rest) }
            throw failure
        }
        PQclear(start)
        var sent = true
        data.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count && sent {
                let count = min(1 << 20, buffer.count - offset)
                sent = buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: count) {
                    PQputCopyData(handle, $0, Int32(count)) == 1
                }
                offset += count
            }
        }
        guard PQputCopyEnd(handle, sent ? nil : "the client could not send the rows") == 1 else {
            // The connection cannot end the COPY: it is of no further use.
            throw PostgreSQLError(sqlState: "", message: "cannot end the COPY: \(Self.trimmed(PQerrorMessage(handle)))",
                                  sql: sql, connectionBroken: true)
        }
        var failure: PostgreSQLError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK && failure == nil { failure = error(result, sql: sql) }
            PQclear(result)
        }
        if let failure { throw failure }
        if !sent || PQstatus(handle) != CONNECTION_OK { throw error(nil, sql: sql) }
    }
}

extension String {
    /// The text on one line: libpq's multi-line messages (DETAIL, HINT) joined with "; ".
    fileprivate func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: true)
            .map { line in String(line.drop { $0 == " " || $0 == "\t" }) }.joined(separator: "; ")
    }
}
