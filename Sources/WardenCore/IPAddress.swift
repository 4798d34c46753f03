import Glibc
import WardenBasics

/// An IPv4 or IPv6 address. IPv4 is held in the IPv4-mapped IPv6 space
/// (`::ffff:a.b.c.d`), the encoding the ABI uses for `range_start`/`range_end`.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address as 128 bits (IPv4 mapped).
    public var bits: UInt128
    public var isIPv4: Bool

    static let v4Prefix: UInt128 = 0xFFFF << 32

    public init(v4 value: UInt32) {
        bits = Self.v4Prefix | UInt128(value)
        isIPv4 = true
    }

    public init(v6 bits: UInt128) {
        self.bits = bits
        isIPv4 = bits >> 32 == 0xFFFF
    }

    /// Parses dotted-quad IPv4 or any RFC 4291 IPv6 text; nil otherwise.
    /// An IPv4-mapped IPv6 address becomes the IPv4 address.
    public init?(_ text: String) {
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            var value: UInt128 = 0
            withUnsafeBytes(of: raw) { for byte in $0 { value = value << 8 | UInt128(byte) } }
            self.init(v6: value)
        } else {
            var raw = in_addr()
            guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
            self.init(v4: UInt32(bigEndian: raw.s_addr))
        }
    }

    /// Bits in the address family: 32 or 128.
    public var width: Int { isIPv4 ? 32 : 128 }

    /// Canonical text: dotted quad, or RFC 5952 IPv6 (as inet_ntop writes it).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if isIPv4 {
            var raw = in_addr(s_addr: UInt32(truncatingIfNeeded: bits).bigEndian)
            inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
        } else {
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { bytes in
                for i in 0..<16 { bytes[i] = UInt8(truncatingIfNeeded: bits >> UInt128(8 * (15 - i))) }
            }
            inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
        }
        return String(nulTerminated: buffer)
    }

    /// The 16 bytes in network order, as the ABI's `range_start`.
    public var networkBytes: [UInt8] {
        (0..<16).map { UInt8(truncatingIfNeeded: bits >> UInt128(8 * (15 - $0))) }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool { a.bits < b.bits }
}
