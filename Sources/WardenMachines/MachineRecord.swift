/// How a machine logs in, with CrowdSec's `auth_type` words.
public enum MachineAuthType: String, Sendable {
    /// Its name and password (`warden machines add`, `POST /v1/watchers`).
    case password
    /// A TLS client certificate: registered as `CN@ADDRESS` on its first login, validated,
    /// with a random password nobody was given, so no password logs it in.
    case tls
}

/// One registered machine: a CrowdSec agent or a `cscli` that logs in with a name and
/// a password (or a client certificate) to push alerts.
public struct MachineRecord: Sendable, Equatable {
    public var name: String
    /// The bcrypt hash of its password (`$2a$...`), never the password.
    public var passwordHash: String
    /// Whether it may log in: `warden machines add` validates at once, a registration
    /// through `POST /v1/watchers` waits for `warden machines validate`.
    public var validated: Bool
    /// When it was registered, in ns since the epoch.
    public var createdNs: Int64
    public var authType: MachineAuthType

    public init(name: String, passwordHash: String, validated: Bool, createdNs: Int64, authType: MachineAuthType = .password) {
        self.name = name
        self.passwordHash = passwordHash
        self.validated = validated
        self.createdNs = createdNs
        self.authType = authType
    }

    /// Whether `name` is a usable machine name: 1 to 128 of letters, digits, `-_.@`
    /// (LAPI's own names, such as `tls-agent@127.0.0.1`, fit).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.@".unicodeScalars.contains($0)
        }
    }
}
