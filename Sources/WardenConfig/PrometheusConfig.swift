/// The `prometheus` section of the main config: where the daemon serves its metrics,
/// with CrowdSec's keys and defaults.
///
/// ```yaml
/// prometheus:
///   enabled: true             # default true when the section is present
///   listen_addr: 127.0.0.1    # default 127.0.0.1
///   listen_port: 6060         # default 6060
/// ```
///
/// Without the section the daemon serves no metrics, as CrowdSec does (the shipped
/// config has it). CrowdSec's `level` key is accepted and ignored: Warden has one level.
public struct PrometheusConfig: Sendable, Equatable {
    /// An IP literal (no brackets for IPv6) or a host name.
    public var host: String
    public var port: Int

    /// CrowdSec's defaults.
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 6060

    public init(host: String = PrometheusConfig.defaultHost, port: Int = PrometheusConfig.defaultPort) {
        self.host = host
        self.port = port
    }

    /// Where a local client reaches the endpoint: a wildcard address becomes loopback,
    /// an IPv6 literal is bracketed. `http://127.0.0.1:6060/metrics`.
    public var localURL: String {
        let reachable = switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "::1"
        default: host
        }
        return "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)/metrics"
    }

    /// Reads `prometheus` from the main config's root: nil when absent or `enabled: false`.
    /// - Throws: ``ConfigError`` naming the file, the line and the key.
    static func parse(_ root: YAMLNode, file: String) throws(ConfigError) -> PrometheusConfig? {
        guard let section = root["prometheus"] else { return nil }
        guard case .mapping = section.value else {
            throw ConfigError(file: file, line: section.line, "'prometheus' must be a mapping, found \(section.kind)")
        }
        if let node = section["enabled"] {
            switch node.scalar {
            case "true": break
            case "false": return nil
            default: throw ConfigError(file: file, line: node.line, "'prometheus.enabled' must be true or false")
            }
        }
        var config = PrometheusConfig()
        if let node = section["listen_addr"] {
            guard let text = node.scalar, !text.isEmpty, !text.contains("[") else {
                throw ConfigError(
                    file: file, line: node.line,
                    "'prometheus.listen_addr' must be an address without a port, such as 127.0.0.1 or ::1")
            }
            config.host = text
        }
        if let node = section["listen_port"] {
            guard let text = node.scalar, let port = Int(text), (1...65535).contains(port) else {
                throw ConfigError(file: file, line: node.line, "'prometheus.listen_port' must be a port number, 1 to 65535")
            }
            config.port = port
        }
        return config
    }
}
