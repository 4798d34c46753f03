import Glibc
import WardenConfig

/// The key that signs machine tokens. Generated once (64 random bytes, as LAPI draws
/// per start) and kept in `<machines_file>.jwt-secret` (mode 0600), so tokens survive
/// a restart of the daemon: an agent does not have to log in again, and in-flight
/// retries keep working.
public enum TokenSecret {
    /// The secret file beside the machines file.
    public static func path(besideMachines machinesPath: String) -> String { machinesPath + ".jwt-secret" }

    /// The secret kept at `path`, created first when missing.
    /// - Throws: ``MachineError`` when the file cannot be read, is not 128 hex digits, or cannot be written.
    public static func loadOrCreate(at path: String) throws(MachineError) -> [UInt8] {
        if FileSystem.version(of: path) == nil {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<64).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            if case .failure(let error) = FileSystem.writeAtomically(hex + "\n", to: path, mode: 0o600) {
                throw MachineError(.runtime, "cannot write the token secret to \(path): \(error); check the folder exists and is writable")
            }
        }
        let text: String
        switch FileSystem.read(path) {
        case .success(let t): text = t
        case .failure(let error):
            throw MachineError(.runtime, "cannot read the token secret in \(path): \(error); check its permissions")
        }
        let hex = Array(text.utf8.filter { $0 != UInt8(ascii: "\n") })
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < hex.count {
            guard let high = hexDigit(hex[index]), let low = hexDigit(hex[index + 1]) else { break }
            bytes.append(high << 4 | low)
            index += 2
        }
        guard hex.count >= 64, hex.count % 2 == 0, bytes.count * 2 == hex.count else {
            throw MachineError(
                .badConfig, "\(path) does not hold a token secret (at least 64 hex digits); delete it and a new one is made at the next start (machines then log in again)")
        }
        return bytes
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
