/// The key of a ``NetworkTable``: an address or a network of one family, in as
/// few bytes as the family needs, so the tables stay small enough for the CPU's
/// caches (an IPv4 bucket is 8 bytes, an IPv6 one 24).
protocol NetworkKey: Comparable, Sendable {
    /// The key of `bits`, an address of the family held in the low bits.
    init(bits: UInt128)
    /// The two 64-bit halves the table hashes.
    var halves: (high: UInt64, low: UInt64) { get }
}

extension UInt32: NetworkKey {
    init(bits: UInt128) { self.init(truncatingIfNeeded: bits) }
    var halves: (high: UInt64, low: UInt64) { (0, UInt64(self)) }
}

/// An IPv6 address as two 8-byte words (a UInt128 would align buckets to 32 bytes).
struct IPv6Key: NetworkKey {
    let high: UInt64
    let low: UInt64

    init(bits: UInt128) {
        high = UInt64(truncatingIfNeeded: bits >> 64)
        low = UInt64(truncatingIfNeeded: bits)
    }

    var halves: (high: UInt64, low: UInt64) { (high, low) }

    static func < (a: IPv6Key, b: IPv6Key) -> Bool { (a.high, a.low) < (b.high, b.low) }
}
