import WardenBackendKit

/// The `config:` keys of the MySQL/MariaDB backend. The password is kept here and
/// nowhere else: no message, log line or description ever includes it.
struct MySQLSettings {
    /// One server, or several (a Galera cluster's nodes) tried in order at each connection.
    var hosts: [String]
    /// The port of each host.
    var ports: [Int]
    /// A unix socket; when set it is used instead of TCP.
    var socket: String?
    var username: String
    var password: String
    var database: String
    /// `false` (plain), `true` (TLS when the server offers it) or `required` (TLS, certificate checked).
    var tls: String
    var tlsCA: String?
    var connectTimeoutSeconds: Int
    /// How long flush keeps retrying a batch while the server is unreachable.
    var retryTimeoutSeconds: Int
    /// `auto` (array binding, multi-row INSERT when the server cannot), `array`, or `multirow`.
    var bulk: String
    /// `flush`, `max_records`, `max_records_age`, `auto_commit_interval`, `auto_commit_rows`.
    var background: BackgroundSettings

    init(_ config: BackendConfig) throws {
        socket = config.string("db_socket")
        let hostList = socket == nil
            ? try config.required("db_host", hint: "name the server, e.g. 127.0.0.1 (or set db_socket)")
            : config.string("db_host") ?? "localhost"
        let servers = try config.servers(hosts: hostList, defaultPort: 3306)
        hosts = servers.map(\.host)
        ports = servers.map(\.port)
        guard socket == nil || hosts.count == 1 else {
            throw BackendError(.invalid, "config key 'db_socket': a socket reaches one server; list several db_host only without it")
        }
        username = try config.required("db_username", hint: "name the database user")
        password = config.string("db_password") ?? ""
        database = try config.required("db_name", hint: "name the database, e.g. warden")
        tls = try config.choice("tls", ["false", "true", "required"], default: "false")
        tlsCA = config.string("tls_ca")
        connectTimeoutSeconds = try config.int("connect_timeout", default: 5, range: 1...600)
        retryTimeoutSeconds = try config.int("retry_timeout", default: 30, range: 0...3600)
        bulk = try config.choice("bulk", ["auto", "array", "multirow"], default: "auto")
        background = try BackgroundSettings(config)
        guard database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }) else {
            throw BackendError(.invalid, "config key 'db_name': '\(database)' may hold letters, digits, '_' and '$' only")
        }
    }

    /// The servers in the order they are tried: `host:port` each, or the socket path.
    var servers: [(host: String, port: Int, endpoint: String)] {
        hosts.indices.map { i in
            (hosts[i], ports[i], socket ?? "\(hosts[i]):\(ports[i])")
        }
    }

    /// Every server, for messages.
    var endpoint: String { servers.map(\.endpoint).joined(separator: ",") }
}

