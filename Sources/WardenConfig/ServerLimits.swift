import WardenBasics

/// How long the Local API waits for a client and how many connections it holds: the
/// bounds a reverse proxy would put in front of it (`api.server` keys).
///
/// ```yaml
/// api:
///   server:
///     read_header_timeout: 10s     # a new connection's first request head
///     read_body_timeout: 60s       # a request's body, from its head to its end
///     idle_timeout: 120s           # a kept-alive connection, for its next request head
///     max_connections: 10000       # in total; past it, new connections wait to be accepted
///     max_connections_per_ip: 1000 # from one address; past it, new ones are closed
///     store_timeout: 10s           # a request's wait for a backend's answer
/// ```
/// A timeout of `0` turns that timeout off; a limit of `0` turns that limit off.
public struct ServerLimits: Sendable, Equatable {
    /// From a connection's accept until its first request's head is complete, in ns.
    public var readHeaderTimeoutNs: Int64 = 10_000_000_000
    /// From a request's head until its body's end, in ns.
    public var readBodyTimeoutNs: Int64 = 60_000_000_000
    /// From an answer's end until the next request's head is complete, in ns. Above Go's
    /// 90 s `IdleConnTimeout`, so Go bouncers drop an idle connection before Warden does
    /// and never race a request against its close.
    public var idleTimeoutNs: Int64 = 120_000_000_000
    /// Connections open at once, in total; 0: no bound.
    public var maxConnections = 10_000
    /// Connections open at once from one address; 0: no bound.
    public var maxConnectionsPerAddress = 1_000
    /// How long a request waits for a backend's answer before it is answered 500 naming
    /// the backend, in ns (0: as long as it takes). A write goes on after that, and what
    /// it stored is confirmed to the client's next retry instead of stored twice.
    public var storeTimeoutNs: Int64 = 10_000_000_000

    /// ``storeTimeoutNs`` as a duration; nil when it is 0 (no bound).
    public var storeTimeout: Duration? { storeTimeoutNs > 0 ? .nanoseconds(storeTimeoutNs) : nil }

    public init() {}

    static func parse(_ server: YAMLNode, file: String) throws(ConfigError) -> ServerLimits {
        var limits = ServerLimits()
        if let ns = try duration(server, "read_header_timeout", file: file) { limits.readHeaderTimeoutNs = ns }
        if let ns = try duration(server, "read_body_timeout", file: file) { limits.readBodyTimeoutNs = ns }
        if let ns = try duration(server, "idle_timeout", file: file) { limits.idleTimeoutNs = ns }
        if let n = try count(server, "max_connections", file: file) { limits.maxConnections = n }
        if let n = try count(server, "max_connections_per_ip", file: file) { limits.maxConnectionsPerAddress = n }
        if let ns = try duration(server, "store_timeout", file: file) { limits.storeTimeoutNs = ns }
        return limits
    }
}

/// Failed machine logins (`POST /v1/watchers/login`), held back per address and per
/// machine name so a password guesser cannot spend the server's CPU on bcrypt
/// (`api.server.login_throttle`).
///
/// ```yaml
/// api:
///   server:
///     login_throttle:
///       free_failures: 5     # failures allowed before the back-off starts
///       max_delay: 15m       # the back-off doubles from 1s up to this
///       ban_after: 0         # failures from one address that ban it in Warden; 0: never
///       ban_duration: 4h
/// ```
public struct LoginThrottling: Sendable, Equatable {
    /// Failed logins an address (or a machine name) may have before it must wait.
    public var freeFailures = 5
    /// The longest wait after a failure, in ns; the wait starts at 1 s and doubles.
    public var maxDelayNs: Int64 = 900_000_000_000
    /// Failed logins from one address that make Warden ban it; 0: never.
    public var banAfter = 0
    /// How long such a ban lasts, in ns.
    public var banDurationNs: Int64 = 4 * 3_600_000_000_000

    public init() {}

    static func parse(_ server: YAMLNode, file: String) throws(ConfigError) -> LoginThrottling {
        var throttling = LoginThrottling()
        guard let node = server["login_throttle"] else { return throttling }
        guard case .mapping = node.value else {
            throw ConfigError(file: file, line: node.line, "'api.server.login_throttle' must be a mapping, found \(node.kind)")
        }
        let prefix = "login_throttle."
        if let n = try count(node, "free_failures", prefix: prefix, file: file) { throttling.freeFailures = n }
        if let ns = try duration(node, "max_delay", prefix: prefix, file: file) {
            guard ns >= 1_000_000_000 else {
                throw ConfigError(
                    file: file, line: node["max_delay"]?.line ?? node.line,
                    "'api.server.login_throttle.max_delay' must be at least 1s, the first wait")
            }
            throttling.maxDelayNs = ns
        }
        if let n = try count(node, "ban_after", prefix: prefix, file: file) { throttling.banAfter = n }
        if let ns = try duration(node, "ban_duration", prefix: prefix, file: file) {
            guard ns > 0 else {
                throw ConfigError(
                    file: file, line: node["ban_duration"]?.line ?? node.line,
                    "'api.server.login_throttle.ban_duration' must be longer than 0, such as 4h")
            }
            throttling.banDurationNs = ns
        }
        return throttling
    }
}

/// `key` of `node` as a Go duration of 0 or more (nil when absent).
private func duration(_ node: YAMLNode, _ key: String, prefix: String = "", file: String) throws(ConfigError) -> Int64? {
    guard let value = node[key] else { return nil }
    guard let text = value.scalar, let ns = GoDuration.parse(text), ns >= 0 else {
        throw ConfigError(
            file: file, line: value.line, "'api.server.\(prefix)\(key)' must be a duration such as 10s, 2m or 1h30m (0 turns it off)")
    }
    return ns
}

/// `key` of `node` as a whole number of 0 or more (nil when absent).
private func count(_ node: YAMLNode, _ key: String, prefix: String = "", file: String) throws(ConfigError) -> Int? {
    guard let value = node[key] else { return nil }
    guard let text = value.scalar, let n = Int(text), n >= 0, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
        throw ConfigError(file: file, line: value.line, "'api.server.\(prefix)\(key)' must be a whole number of 0 or more")
    }
    return n
}
