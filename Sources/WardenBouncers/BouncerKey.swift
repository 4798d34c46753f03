import Crypto

/// A bouncer's API key. Only its SHA-512 digest is ever stored, as CrowdSec does,
/// so the keys file gives nobody a working key.
public enum BouncerKey {
    /// A new random key: 32 bytes from the system's CSPRNG as 43 URL-safe characters.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(bytes)
    }

    /// The lowercase hex SHA-512 digest of `key` (128 characters).
    public static func digest(_ key: String) -> String {
        SHA512.hash(data: Array(key.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Whether `key` may be registered: printable ASCII without spaces, 16 to 256 characters
    /// (it travels in an HTTP header and a YAML file).
    public static func isAcceptable(_ key: String) -> Bool {
        (16...256).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0...chunk.count {
                out.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
