import WardenBackendKit

/// The `config:` keys of the PostgreSQL backend. The password is kept here and goes to
/// libpq only: no message, log line or description ever includes it.
struct PostgreSQLSettings {
    /// One host, or several separated by commas (libpq tries them in order); a host
    /// starting with `/` is a unix socket directory.
    var hosts: [String]
    /// The port of each host.
    var ports: [Int]
    var username: String
    var password: String
    var database: String
    /// libpq's `sslmode`: disable, allow, prefer, require, verify-ca, verify-full.
    var sslMode: String
    var sslRootCert: String?
    /// libpq's `target_session_attrs`: which host of the list to settle on.
    var targetSessionAttrs: String
    var connectTimeoutSeconds: Int
    /// How long a write keeps retrying while no host of the list takes it.
    var retryTimeoutSeconds: Int
    /// `flush`, `max_records`, `max_records_age`, `auto_commit_interval`, `auto_commit_rows`.
    var background: BackgroundSettings

    init(_ config: BackendConfig) throws {
        let hostList = try config.required("db_host", hint: "name the server, e.g. 127.0.0.1, or several: db1,db2")
        let servers = try config.servers(hosts: hostList, defaultPort: 5432)
        hosts = servers.map(\.host)
        ports = servers.map(\.port)
        username = try config.required("db_username", hint: "name the database user")
        password = config.string("db_password") ?? ""
        database = try config.required("db_name", hint: "name the database, e.g. warden")
        sslMode = try config.choice(
            "sslmode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"], default: "prefer")
        sslRootCert = config.string("sslrootcert")
        targetSessionAttrs = try config.choice(
            "target_session_attrs", ["any", "read-write", "primary"], default: "read-write")
        connectTimeoutSeconds = try config.int("connect_timeout", default: 5, range: 1...600)
        retryTimeoutSeconds = try config.int("retry_timeout", default: 30, range: 0...3600)
        background = try BackgroundSettings(config)
        guard database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }) else {
            throw BackendError(.invalid, "config key 'db_name': '\(database)' may hold letters, digits, '_' and '$' only")
        }
    }

    /// `host:port` of each host, for messages.
    var endpoint: String {
        hosts.enumerated().map { i, host in
            host.hasPrefix("/") ? host : "\(host):\(ports[i])"
        }.joined(separator: ",")
    }

    /// The keywords and values libpq connects with.
    func connectionParameters(database: String) -> [(String, String)] {
        var pairs: [(String, String)] = [
            ("host", hosts.joined(separator: ",")), ("port", ports.map(String.init).joined(separator: ",")),
            ("user", username), ("password", password), ("dbname", database), ("sslmode", sslMode),
            ("target_session_attrs", targetSessionAttrs), ("connect_timeout", String(connectTimeoutSeconds)),
            ("client_encoding", "UTF8"), ("application_name", "warden"),
            // A host that died without closing its sockets is noticed in about 20 s, not hours.
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "2"),
            // The server's side of the same: a session whose host vanished in the middle of a
            // transaction must not keep the change feed's lock row (every writer on every host
            // waits on it) until the kernel gives up hours later. The text settings are the ones
            // the backend's bytea literals and reads are written for, whatever the database says.
            ("options", "-c idle_in_transaction_session_timeout=\(max(30, retryTimeoutSeconds))s -c tcp_keepalives_idle=10 "
                + "-c tcp_keepalives_interval=5 -c tcp_keepalives_count=2 -c bytea_output=hex -c standard_conforming_strings=on"),
        ]
        if let sslRootCert { pairs.append(("sslrootcert", sslRootCert)) }
        return pairs
    }
}

