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

    /// An address of a known family (the bits of an IPv4 address are IPv4-mapped), as
    /// ``bits`` and ``isIPv4`` give it back.
    public init(bits: UInt128, isIPv4: Bool) {
        self.bits = bits
        self.isIPv4 = isIPv4
    }

    /// Parses dotted-quad IPv4 or any RFC 4291 IPv6 text; nil otherwise.
    /// An IPv4-mapped IPv6 address becomes the IPv4 address.
    public init?(_ text: String) {
        // Bytes, not Characters: grapheme breaking made this a hot spot of bulk imports.
        if text.utf8.contains(UInt8(ascii: ":")) {
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
        if isIPv4 {
            var bytes: [UInt8] = []
            appendText(to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { writeNetworkBytes(to: $0) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
        return String(nulTerminated: buffer)
    }

    /// Appends the canonical text as UTF-8 (IPv4 without formatting through printf).
    public func appendText(to bytes: inout [UInt8]) {
        guard isIPv4 else {
            bytes.append(contentsOf: description.utf8)
            return
        }
        let value = UInt32(truncatingIfNeeded: bits)
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
            if octet >= 100 { bytes.append(48 + octet / 100) }
            if octet >= 10 { bytes.append(48 + octet / 10 % 10) }
            bytes.append(48 + octet % 10)
            if shift > 0 { bytes.append(46) }
        }
    }

    /// Writes the 16 bytes in network order (the ABI's `range_start` encoding) to `raw`.
    public func writeNetworkBytes(to raw: UnsafeMutableRawBufferPointer) {
        for i in 0..<16 { raw[i] = UInt8(truncatingIfNeeded: bits >> UInt128(8 * (15 - i))) }
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool { a.bits < b.bits }
}
