/// A failed libpq call: the server's SQLSTATE (empty for a client-side failure such as
/// a refused connection), libpq's message and the SQL that failed. Never holds the
/// password: libpq's messages do not include it.
struct PostgreSQLError: Error, CustomStringConvertible {
    var sqlState: String
    var message: String
    var sql: String?
    /// libpq reports the connection as broken (`PQstatus` is `CONNECTION_BAD`).
    var connectionBroken: Bool

    var description: String {
        let state = sqlState.isEmpty ? "" : " (\(sqlState))"
        let while_ = sql.map { " - while executing `\($0.prefix(120))`" } ?? ""
        return "PostgreSQL error\(state): \(message)\(while_)"
    }

    /// The server is gone or cannot take writes here (restarted, shutting down, a standby
    /// after a failover): reconnect, which finds the read-write host of the list, and retry.
    var isConnectionLost: Bool {
        connectionBroken || sqlState.hasPrefix("08")  // connection exceptions
            || ["57P01", "57P02", "57P03", "25006"].contains(sqlState)  // admin/crash shutdown, starting up, read-only
    }

    /// The server undid the transaction to keep transactions apart (serialization failure,
    /// deadlock): running it again is safe and expected.
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// The database named in the connection does not exist yet.
    var isUnknownDatabase: Bool { sqlState == "3D000" }
}
