/// How a bouncer proves who it is, with CrowdSec's `auth_type` words.
public enum BouncerAuthType: String, Sendable {
    /// Its `X-Api-Key` (`warden bouncers add`).
    case apiKey = "api-key"
    /// A TLS client certificate: registered as `CN@ADDRESS` on its first request; its key
    /// is a random one nobody was given, so no key authenticates it.
    case tls
}

/// One registered bouncer: its name and the digest of its key.
public struct BouncerRecord: Sendable, Equatable {
    public var name: String
    /// Lowercase hex SHA-512 of the key (see ``BouncerKey/digest(_:)``).
    public var keyDigest: String
    /// When it was registered, in ns since the epoch.
    public var createdNs: Int64
    public var authType: BouncerAuthType

    public init(name: String, keyDigest: String, createdNs: Int64, authType: BouncerAuthType = .apiKey) {
        self.name = name
        self.keyDigest = keyDigest
        self.createdNs = createdNs
        self.authType = authType
    }

    /// Whether `name` is a usable bouncer name: 1 to 64 of letters, digits, `-_.@`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.@".unicodeScalars.contains($0)
        }
    }
}
