import WardenModel

/// A target as bits within its family: the first address (IPv4 in the low 32
/// bits), the prefix length (an address is its own /32 or /128), and whether it
/// was a Range. Containment is computed here with masks, never through
/// `IPAddress` comparisons, so it is one AND and one compare.
struct Block: Hashable, Sendable {
    let isIPv4: Bool
    let isRange: Bool
    let first: UInt128
    let prefixLength: Int

    init(_ target: BanTarget) {
        switch target {
        case .ip(let address):
            self.init(address: address, prefixLength: address.width, isRange: false)
        case .range(let network, let prefixLength):
            self.init(address: network, prefixLength: prefixLength, isRange: true)
        }
    }

    private init(address: IPAddress, prefixLength: Int, isRange: Bool) {
        isIPv4 = address.isIPv4
        self.isRange = isRange
        self.prefixLength = prefixLength
        let bits = isIPv4 ? address.bits & 0xFFFF_FFFF : address.bits
        first = bits & Block.networkMask(width: isIPv4 ? 32 : 128, prefixLength: prefixLength)
    }

    var width: Int { isIPv4 ? 32 : 128 }

    /// The last address covered.
    var last: UInt128 { first | ~Block.networkMask(width: width, prefixLength: prefixLength) & Block.familyMask(width) }

    /// Whether every address of `other` lies in this block.
    func covers(_ other: Block) -> Bool {
        isIPv4 == other.isIPv4 && other.prefixLength >= prefixLength
            && other.first & Block.networkMask(width: width, prefixLength: prefixLength) == first
    }

    /// The network bits of a /`prefixLength` in a family of `width` bits.
    static func networkMask(width: Int, prefixLength: Int) -> UInt128 {
        prefixLength == 0 ? 0 : familyMask(width) << UInt128(width - prefixLength) & familyMask(width)
    }

    static func familyMask(_ width: Int) -> UInt128 {
        width == 128 ? .max : (1 << UInt128(width)) - 1
    }
}
