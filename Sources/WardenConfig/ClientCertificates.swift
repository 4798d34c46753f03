import WardenBasics

/// How the Local API asks for and uses TLS client certificates: the client-certificate keys
/// of `api.server.tls`, with CrowdSec's names, values and defaults.
///
/// ```yaml
/// api:
///   server:
///     tls:
///       cert_file: /etc/warden/tls/server.pem
///       key_file: /etc/warden/tls/server-key.pem
///       client_verification: RequireAndVerifyClientCert  # default VerifyClientCertIfGiven
///       ca_cert_path: /etc/warden/tls/ca.pem   # the CAs client certificates must chain to
///       crl_path: /etc/warden/tls/ca.crl       # revoked client certificates (PEM or DER)
///       bouncers_allowed_ou: [bouncer-ou]      # default: bouncer-ou
///       agents_allowed_ou: [agent-ou]          # default: agent-ou
///       cache_expiration: 1h                   # how long a revocation verdict is kept
/// ```
///
/// A verified certificate whose subject holds an OU of `bouncers_allowed_ou` authenticates a
/// bouncer named `CN@ADDRESS`; one of `agents_allowed_ou` logs a machine `CN@ADDRESS` in
/// without a password. Both are registered on first use. API keys and passwords keep working
/// for clients that present no certificate.
public struct ClientCertificates: Sendable, Equatable {
    /// Go's `tls.ClientAuthType` names, as CrowdSec reads `client_verification`.
    public enum Verification: String, Sendable, CaseIterable {
        /// The server asks for no certificate.
        case noClientCert = "NoClientCert"
        /// Asks for one and checks nothing: a certificate then never authenticates.
        case requestClientCert = "RequestClientCert"
        /// Requires one and checks nothing: a certificate then never authenticates.
        case requireAnyClientCert = "RequireAnyClientCert"
        /// Checks a certificate a client presents; a client may present none (the default).
        case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
        /// Every client must present a certificate that chains to `ca_cert_path`.
        case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

        /// Whether a certificate that passed the handshake was checked against the CAs, so
        /// it may authenticate a client.
        public var verifiesCertificates: Bool {
            self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert
        }
    }

    public var verification: Verification = .verifyClientCertIfGiven
    /// The PEM file of the CAs a client certificate must chain to; nil: the system's CAs.
    public var caFile: String?
    /// The certificate revocation list (PEM or DER, several lists allowed); nil: no CRL check.
    public var crlFile: String?
    /// The OUs whose certificates authenticate bouncers.
    public var bouncerOUs: [String] = ["bouncer-ou"]
    /// The OUs whose certificates log machines in.
    public var agentOUs: [String] = ["agent-ou"]
    /// How long a certificate's revocation verdict is reused, in ns.
    public var cacheExpirationNs: Int64 = 3_600_000_000_000

    public init() {}

    /// Reads the client-certificate keys of the `api.server.tls` mapping `tls`; nil when it
    /// holds none of them.
    /// - Throws: ``ConfigError`` naming the key, the line and the accepted values.
    static func parse(_ tls: YAMLNode, base: String, file: String) throws(ConfigError) -> ClientCertificates? {
        let keys = ["client_verification", "ca_cert_path", "crl_path", "bouncers_allowed_ou", "agents_allowed_ou", "cache_expiration"]
        guard keys.contains(where: { tls[$0] != nil }) else { return nil }
        var result = ClientCertificates()
        if let node = tls["client_verification"], let text = node.scalar, !text.isEmpty {
            guard let verification = Verification(rawValue: text) else {
                throw ConfigError(
                    file: file, line: node.line,
                    "'api.server.tls.client_verification' is '\(text)'; use one of "
                        + Verification.allCases.map(\.rawValue).joined(separator: ", "))
            }
            result.verification = verification
        }
        result.caFile = try path(tls, "ca_cert_path", base: base, file: file)
        result.crlFile = try path(tls, "crl_path", base: base, file: file)
        if let ous = try list(tls, "bouncers_allowed_ou", file: file) { result.bouncerOUs = ous }
        if let ous = try list(tls, "agents_allowed_ou", file: file) { result.agentOUs = ous }
        if let node = tls["cache_expiration"] {
            guard let text = node.scalar, let ns = GoDuration.parse(text), ns >= 0 else {
                throw ConfigError(
                    file: file, line: node.line, "'api.server.tls.cache_expiration' must be a duration such as 1h or 30m (0: check every time)")
            }
            result.cacheExpirationNs = ns
        }
        return result
    }

    private static func path(_ tls: YAMLNode, _ key: String, base: String, file: String) throws(ConfigError) -> String? {
        guard let node = tls[key] else { return nil }
        guard let text = node.scalar else {
            throw ConfigError(file: file, line: node.line, "'api.server.tls.\(key)' must name a file, found \(node.kind)")
        }
        return text.isEmpty ? nil : FileSystem.resolve(text, against: base)
    }

    private static func list(_ tls: YAMLNode, _ key: String, file: String) throws(ConfigError) -> [String]? {
        guard let node = tls[key] else { return nil }
        if let text = node.scalar, ["", "~", "null", "Null", "NULL"].contains(text) { return [] }
        guard case .sequence(let items) = node.value, items.allSatisfy({ $0.scalar != nil }) else {
            throw ConfigError(file: file, line: node.line, "'api.server.tls.\(key)' must be a list of OU names, such as [bouncer-ou]")
        }
        return items.compactMap(\.scalar)
    }
}
