import HummingbirdBcrypt

/// Machine passwords: bcrypt as CrowdSec stores them (cost 10, Go's default), so the
/// machines file gives nobody a working password.
public enum MachinePassword {
    /// The bcrypt cost: Go's `bcrypt.DefaultCost`, which LAPI uses. About 60 ms a check here.
    public static let cost: UInt8 = 10

    /// The bcrypt hash of `password`, with a fresh random salt.
    public static func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` is the one `hash` was made from.
    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// A new random password as `cscli machines add --auto` makes one: 64 letters and
    /// digits from the system's CSPRNG.
    public static func generate() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars)
        var generator = SystemRandomNumberGenerator()
        return String(String.UnicodeScalarView((0..<64).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    /// Whether `password` may be registered: 1 to 72 bytes (bcrypt ignores what follows
    /// the 72nd), no control characters (it travels in YAML and JSON).
    public static func isAcceptable(_ password: String) -> Bool {
        (1...72).contains(password.utf8.count) && password.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }
}
