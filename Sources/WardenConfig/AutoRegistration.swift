import WardenModel

/// Machine auto-registration, as CrowdSec 1.6.3's `api.server.auto_registration`: a
/// `POST /v1/watchers` that carries this token, from an address in `allowed_ranges`,
/// registers the machine validated (202) instead of pending (201), so a fleet of agents
/// needs no `warden machines validate`.
///
/// ```yaml
/// api:
///   server:
///     auto_registration:
///       enabled: true
///       token: 5f1c0d6e2b7a4c98a3e1f0b2d4c6e8a0   # 32 characters or more
///       allowed_ranges: [10.0.0.0/8]
/// ```
public struct AutoRegistration: Sendable, Equatable {
    /// The shared secret a registration must carry (`registration_token`).
    public var token: String
    /// The addresses and blocks a registration may come from.
    public var allowedRanges: [BanTarget]

    public init(token: String, allowedRanges: [BanTarget]) {
        self.token = token
        self.allowedRanges = allowedRanges
    }

    /// The shortest token accepted, as CrowdSec has it.
    public static let minimumTokenLength = 32

    /// Reads `auto_registration` from `api.server`; nil when absent or not enabled.
    /// - Throws: ``ConfigError`` naming the key and the line.
    static func parse(_ server: YAMLNode, file: String) throws(ConfigError) -> AutoRegistration? {
        guard let section = server["auto_registration"] else { return nil }
        guard case .mapping = section.value else {
            throw ConfigError(file: file, line: section.line, "'api.server.auto_registration' must be a mapping (enabled, token, allowed_ranges)")
        }
        guard let enabled = section["enabled"] else { return nil }
        switch enabled.scalar {
        case "true", "True", "TRUE", "yes": break
        case "false", "False", "FALSE", "no", "": return nil
        default:
            throw ConfigError(file: file, line: enabled.line, "'api.server.auto_registration.enabled' must be true or false")
        }
        guard let token = section["token"]?.scalar, !token.isEmpty else {
            throw ConfigError(
                file: file, line: section.line,
                "'api.server.auto_registration' is enabled without a token; give one of \(minimumTokenLength) characters or more")
        }
        guard token.count >= minimumTokenLength else {
            throw ConfigError(
                file: file, line: section["token"]?.line ?? section.line,
                "'api.server.auto_registration.token' has \(token.count) characters; it needs \(minimumTokenLength) or more")
        }
        guard let ranges = section["allowed_ranges"] else {
            throw ConfigError(
                file: file, line: section.line,
                "'api.server.auto_registration' is enabled without allowed_ranges; list the blocks agents register from, such as [10.0.0.0/8]")
        }
        return AutoRegistration(
            token: token, allowedRanges: try parseNetworks(ranges, key: "api.server.auto_registration.allowed_ranges", file: file))
    }
}
