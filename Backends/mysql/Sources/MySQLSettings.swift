import WardenBackendKit

/// The `config:` keys of the MySQL/MariaDB backend. The password is kept here and
/// nowhere else: no message, log line or description ever includes it.
struct MySQLSettings {
    var host: String
    var port: Int
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
        host = socket == nil
            ? try config.required("db_host", hint: "name the server, e.g. 127.0.0.1 (or set db_socket)")
            : config.string("db_host") ?? "localhost"
        port = try config.int("db_port", default: 3306, range: 1...65535)
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

    /// `host:port` or the socket path, for messages.
    var endpoint: String { socket ?? "\(host):\(port)" }
}
