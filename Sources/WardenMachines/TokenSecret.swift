import Glibc
import WardenConfig

/// The key that signs machine tokens. Generated once (64 random bytes, as LAPI draws
/// per start) and kept in `<machines_file>.jwt-secret` (mode 0600), so tokens survive
/// a restart of the daemon: an agent does not have to log in again, and in-flight
/// retries keep working.
public enum TokenSecret {
    /// The secret file beside the machines file.
    public static func path(besideMachines machinesPath: String) -> String {
        APIConfig.tokenSecretFile(besideMachines: machinesPath)
    }

    /// The secret kept in `text`, created first when it was never written. Every node that
    /// shares `text` (a document of the identity backend) signs with the same secret, so a
    /// token one node issued is good on all of them; the first node to write wins.
    /// - Throws: ``MachineError`` when it cannot be read, is not hex digits, or cannot be written.
    public static func loadOrCreate(in text: any SharedText) throws(MachineError) -> [UInt8] {
        let stored: String
        do {
            if let existing = try text.read() {
                stored = existing.text
            } else {
                var kept = ""
                try text.update { current in
                    kept = current ?? newSecret()
                    return kept
                }
                stored = kept
            }
        } catch let error as SharedTextError {
            throw MachineError(.runtime, error.message(about: "the token secret"))
        } catch {
            throw MachineError(.runtime, "cannot keep the token secret in \(text.location): \(error)")
        }
        let hex = Array(stored.utf8.filter { $0 != UInt8(ascii: "\n") })
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < hex.count {
            guard let high = hexDigit(hex[index]), let low = hexDigit(hex[index + 1]) else { break }
            bytes.append(high << 4 | low)
            index += 2
        }
        guard hex.count >= 64, hex.count % 2 == 0, bytes.count * 2 == hex.count else {
            throw MachineError(
                .badConfig, "\(text.location) does not hold a token secret (at least 64 hex digits); delete it and a new one is made at the next start (machines then log in again)")
        }
        return bytes
    }

    /// 64 random bytes, as LAPI draws per start, in hex with a newline.
    private static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<64).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "\n"
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
