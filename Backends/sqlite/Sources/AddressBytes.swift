import Glibc

/// An address's 16 bytes as the ABI writes them (`range_start`): IPv6 in network
/// order, IPv4 mapped to ::ffff:a.b.c.d. Only for text this backend stored itself.
enum AddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let ok = bytes.withUnsafeMutableBytes { raw -> Bool in
            if inet_pton(AF_INET6, text, raw.baseAddress) == 1 { return true }
            guard inet_pton(AF_INET, text, raw.baseAddress! + 12) == 1 else { return false }
            raw[10] = 0xFF
            raw[11] = 0xFF
            return true
        }
        return ok ? bytes : nil
    }
}
