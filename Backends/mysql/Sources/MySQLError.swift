import CMariaDB

/// A failed MariaDB Connector/C call: the client or server error code, SQLSTATE,
/// the server's message and the SQL that failed. Never holds the password.
struct MySQLError: Error, CustomStringConvertible {
    var code: UInt32
    var sqlState: String
    var message: String
    var sql: String?

    var description: String {
        let while_ = sql.map { " - while executing `\($0.prefix(120))`" } ?? ""
        return "MySQL error \(code) (\(sqlState)): \(message)\(while_)"
    }

    /// The connection is gone (server restarted, network dropped): reconnect and retry.
    var isConnectionLost: Bool {
        // 1047: a Galera node that is joining (or lost its cluster) takes no queries.
        [2002, 2003, 2006, 2013, 2055, 1927, 4031, 1053, 1047].contains(code)
    }

    /// The server undid the transaction for a conflict with another (a deadlock, or a
    /// Galera certification failure, reported as one): running it again is expected.
    var isConflict: Bool { code == 1213 }

    /// The server refused a bulk (array-bound) execute: fall back to multi-row INSERT.
    var isBulkUnsupported: Bool { code == UInt32(CR_FUNCTION_NOT_SUPPORTED) }
}
