import CMariaDB
import Glibc

/// One connection through MariaDB Connector/C, owned here and closed in `deinit`,
/// the only place that closes it: the backend drops the connection to close it
/// (on shutdown, or when it broke). The connection also owns its prepared
/// statements and closes them, once, before the connection.
/// Not thread-safe: the backend reaches it under its lock only.
final class MySQLConnection {
    private let handle: UnsafeMutablePointer<MYSQL>
    private var statements: [String: MySQLStatement] = [:]
    /// The server this connection reached (`host:port` or the socket).
    let endpoint: String

    /// Connects to the first server of the list that answers, with utf8mb4, the configured
    /// timeouts and TLS mode. When the database does not exist yet (error 1049) and the
    /// user may create it, creates it.
    static func open(_ settings: MySQLSettings) throws -> MySQLConnection {
        var unreachable: MySQLError?
        for server in settings.servers {
            do {
                do {
                    let connection = try MySQLConnection(settings, server, database: settings.database)
                    // A Galera node that is joining accepts connections but no queries: pass it over.
                    if settings.servers.count > 1, try !connection.isReady() {
                        throw MySQLError(code: 1047, sqlState: "08S01", message: "the Galera node is not ready (joining)", sql: nil)
                    }
                    return connection
                } catch let error as MySQLError where error.code == 1049 {
                    let bare = try MySQLConnection(settings, server, database: nil)
                    try bare.execute("CREATE DATABASE IF NOT EXISTS `\(settings.database)` CHARACTER SET utf8mb4")
                    return try MySQLConnection(settings, server, database: settings.database)
                }
            } catch let error as MySQLError where error.isConnectionLost && settings.servers.count > 1 {
                unreachable = MySQLError(code: error.code, sqlState: error.sqlState,
                                         message: "\(server.endpoint): \(error.message)", sql: nil)
            }
        }
        throw unreachable!  // the list is never empty, and a single server threw above
    }

    private init(_ settings: MySQLSettings, _ server: (host: String, port: Int, endpoint: String), database: String?) throws {
        endpoint = server.endpoint
        guard let handle = mysql_init(nil) else {
            throw MySQLError(code: 2008, sqlState: "HY000", message: "out of memory", sql: nil)
        }
        self.handle = handle
        var connectTimeout = UInt32(settings.connectTimeoutSeconds)
        var ioTimeout = UInt32(120)
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &ioTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout)
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        var protocolKind = settings.socket == nil ? MYSQL_PROTOCOL_TCP.rawValue : MYSQL_PROTOCOL_SOCKET.rawValue
        mysql_options(handle, MYSQL_OPT_PROTOCOL, &protocolKind)
        if settings.tls != "false" {
            mysql_ssl_set(handle, nil, nil, settings.tlsCA, nil, nil)
        }
        if settings.tls == "required" {
            var on: my_bool = 1
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &on)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on)
        }
        guard mysql_real_connect(
            handle, server.host, settings.username, settings.password, database, UInt32(server.port),
            settings.socket, 0) != nil
        else {
            throw MySQLConnection.error(of: handle, sql: nil)  // every member is set: deinit closes the handle
        }
        // Latest-per-target reads materialize one row per target; past the default 16 MiB
        // in-memory limit the server spills them to disk (10 s instead of 1 s at 1M bans).
        try execute("SET SESSION tmp_table_size = 268435456, max_heap_table_size = 268435456")
    }

    deinit {
        for statement in statements.values { statement.close() }
        mysql_close(handle)
    }

    private static func error(of handle: UnsafeMutablePointer<MYSQL>, sql: String?) -> MySQLError {
        MySQLError(code: mysql_errno(handle), sqlState: String(cString: mysql_sqlstate(handle)),
                   message: String(cString: mysql_error(handle)), sql: sql)
    }

    func error(sql: String?) -> MySQLError { Self.error(of: handle, sql: sql) }

    /// Whether the server takes queries: false for a Galera node that is not `wsrep_ready`
    /// (joining, or cut off from its cluster's majority); true for any other server.
    func isReady() throws -> Bool {
        var ready = true
        try query("SHOW STATUS LIKE 'wsrep_ready'") { fields, _ in
            ready = fields[1].map { String(cString: $0) == "ON" } ?? true
            return false
        }
        return ready
    }

    /// Whether the server replicates through Galera (`wsrep_on`).
    func isGaleraNode() throws -> Bool {
        var on = false
        try query("SHOW VARIABLES LIKE 'wsrep_on'") { fields, _ in
            on = fields[1].map { String(cString: $0) == "ON" } ?? false
            return false
        }
        return on
    }

    /// The server's version text, e.g. "10.11.19-MariaDB-0+deb12u1".
    var serverVersion: String { String(cString: mysql_get_server_info(handle)) }

    /// Runs one statement, discarding any result; returns the affected rows.
    @discardableResult
    func execute(_ sql: String) throws -> UInt64 {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw error(sql: sql) }
        if let result = mysql_store_result(handle) { mysql_free_result(result) }
        return mysql_affected_rows(handle)
    }

    /// Streams the rows of `sql` (text protocol) to `body`, with each field's bytes
    /// borrowed until the next row. Stop early by returning false.
    func query(_ sql: String, _ body: (_ fields: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                                       _ lengths: UnsafeMutablePointer<UInt>) -> Bool) throws {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else { throw error(sql: sql) }
        guard let result = mysql_use_result(handle) else { throw error(sql: sql) }
        defer { mysql_free_result(result) }
        while let row = mysql_fetch_row(result) {
            guard let lengths = mysql_fetch_lengths(result), body(row, lengths) else { break }
        }
        if mysql_errno(handle) != 0 { throw error(sql: sql) }
    }

    /// The integers of the first column of every row (NULL reads as 0).
    func integers(_ sql: String) throws -> [Int64] {
        var values: [Int64] = []
        try query(sql) { fields, _ in
            values.append(fields[0].map { strtoll($0, nil, 10) } ?? 0)
            return true
        }
        return values
    }

    /// A statement prepared once per connection.
    func statement(_ sql: String) throws -> MySQLStatement {
        if let statement = statements[sql] { return statement }
        guard let raw = mysql_stmt_init(handle) else { throw error(sql: sql) }
        guard mysql_stmt_prepare(raw, sql, UInt(sql.utf8.count)) == 0 else {
            let failure = MySQLStatement.error(of: raw, sql: sql)
            mysql_stmt_close(raw)
            throw failure
        }
        let statement = MySQLStatement(raw: raw, sql: sql)
        statements[sql] = statement
        return statement
    }
}

/// A prepared statement, closed by its connection (``close()``) before the connection.
final class MySQLStatement {
    private var raw: UnsafeMutablePointer<MYSQL_STMT>!
    let sql: String

    init(raw: UnsafeMutablePointer<MYSQL_STMT>, sql: String) {
        self.raw = raw
        self.sql = sql
    }

    /// Frees the statement on the client and the server; called by the connection only.
    /// Later calls do nothing.
    func close() {
        guard let raw else { return }
        mysql_stmt_close(raw)
        self.raw = nil
    }

    static func error(of raw: UnsafeMutablePointer<MYSQL_STMT>, sql: String) -> MySQLError {
        MySQLError(code: mysql_stmt_errno(raw), sqlState: String(cString: mysql_stmt_sqlstate(raw)),
                   message: String(cString: mysql_stmt_error(raw)), sql: sql)
    }

    /// The first id the last execute generated (for several rows, the first row's).
    var insertID: Int64 { Int64(bitPattern: UInt64(mysql_stmt_insert_id(raw))) }

    /// Executes with `binds`, one row, or `arraySize` rows bound column-wise.
    @discardableResult
    func execute(_ binds: UnsafeMutablePointer<MYSQL_BIND>, arraySize: UInt32 = 0) throws -> UInt64 {
        var size = arraySize
        mysql_stmt_attr_set(raw, STMT_ATTR_ARRAY_SIZE, &size)
        guard mysql_stmt_bind_param(raw, binds) == 0, mysql_stmt_execute(raw) == 0 else {
            throw Self.error(of: raw, sql: sql)
        }
        return mysql_stmt_affected_rows(raw)
    }
}
