import WardenBasics

/// The `config:` map of a backend instance, with typed readers that throw
/// messages naming the key, and a record of which keys were read so the
/// backend can warn about the others.
public final class BackendConfig {
    /// Every key and value, as the host passed them.
    public let values: [String: String]
    private var readKeys: Set<String> = []

    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The value of `key`, or nil when absent or empty.
    public func string(_ key: String) -> String? {
        readKeys.insert(key)
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }

    /// The value of `key`; throws when it is absent or empty.
    public func required(_ key: String, hint: String) throws -> String {
        guard let value = string(key) else {
            throw BackendError(.invalid, "missing config key '\(key)': \(hint)")
        }
        return value
    }

    /// `true`/`false` (also `yes`/`no`, `1`/`0`), or `defaultValue` when absent.
    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let text = string(key) else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw BackendError(.invalid, "config key '\(key)': '\(text)' is not a boolean; use true or false")
        }
    }

    /// A whole number within `range`, or `defaultValue` when absent.
    public func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = string(key) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw BackendError(
                .invalid,
                "config key '\(key)': '\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A Go-style duration (`720h`, `1h30m`) in nanoseconds, or `defaultValue` when absent.
    public func duration(_ key: String, default defaultValue: Int64) throws -> Int64 {
        guard let text = string(key) else { return defaultValue }
        guard let ns = GoDuration.parse(text), ns >= 0 else {
            throw BackendError(.invalid, "config key '\(key)': '\(text)' is not a duration; write it like 720h or 1h30m")
        }
        return ns
    }

    /// One of `choices` (case-insensitive, returned lower-cased), or `defaultValue` when absent.
    public func choice(_ key: String, _ choices: [String], default defaultValue: String) throws -> String {
        guard let text = string(key) else { return defaultValue }
        guard choices.contains(text.lowercased()) else {
            throw BackendError(
                .invalid, "config key '\(key)': '\(text)' is not one of \(choices.joined(separator: ", "))")
        }
        return text.lowercased()
    }

    /// Database servers tried in order: `hosts` (the value of `hostKey`, one host or several
    /// separated by commas) with `portKey`'s port, one for every host or one per host
    /// (`5432,5433`), or `defaultPort` when absent.
    public func servers(
        hosts list: String, hostKey: String = "db_host", portKey: String = "db_port", defaultPort: Int
    ) throws -> [(host: String, port: Int)] {
        func trimmed(_ part: Substring) -> String { String(part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
        let hosts = list.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
        guard !hosts.contains(where: \.isEmpty) else {
            throw BackendError(.invalid, "config key '\(hostKey)': '\(list)' has an empty host; separate hosts with one comma")
        }
        let portList = string(portKey) ?? String(defaultPort)
        var ports: [Int] = []
        for part in portList.split(separator: ",", omittingEmptySubsequences: false) {
            guard let port = Int(trimmed(part)), (1...65535).contains(port) else {
                throw BackendError(
                    .invalid, "config key '\(portKey)': '\(portList)' is not a port from 1 to 65535, or one per host separated by commas")
            }
            ports.append(port)
        }
        guard ports.count == 1 || ports.count == hosts.count else {
            throw BackendError(
                .invalid, "config key '\(portKey)': \(ports.count) ports for \(hosts.count) hosts; give one port, or one per host")
        }
        return hosts.enumerated().map { i, host in (host, ports.count == 1 ? ports[0] : ports[i]) }
    }

    /// Keys present in the map that the backend never read, sorted.
    public var unreadKeys: [String] {
        values.keys.filter { !readKeys.contains($0) }.sorted()
    }

    /// Logs one warning naming every key the backend did not read.
    public func warnAboutUnreadKeys(_ host: BackendHost, backend: String) {
        let unknown = unreadKeys
        guard !unknown.isEmpty else { return }
        host.log(.warning, "\(backend): ignoring unknown config key(s) \(unknown.joined(separator: ", "))")
    }
}
