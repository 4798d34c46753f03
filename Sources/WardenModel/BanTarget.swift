/// What a ban applies to: one address or a CIDR block.
public enum BanTarget: Hashable, Sendable, CustomStringConvertible {
    case ip(IPAddress)
    case range(network: IPAddress, prefixLength: Int)

    /// Parses one address. A CIDR block is refused with a pointer to `range`.
    /// - Throws: ``InputError`` with the message the CLI prints.
    public static func parseIP(_ text: String) throws(InputError) -> BanTarget {
        if let address = IPAddress(text) { return .ip(address) }
        if text.utf8.contains(UInt8(ascii: "/")), (try? parseRange(text)) != nil {
            throw InputError("'\(text)' is a CIDR block, not an address; use 'range' instead of 'ip'")
        }
        throw InputError("'\(text)' is not a valid IPv4 or IPv6 address")
    }

    /// Parses a CIDR block (`192.0.2.0/24`, `2001:db8::/32`). Host bits must be zero.
    /// - Throws: ``InputError`` with the message the CLI prints.
    public static func parseRange(_ text: String) throws(InputError) -> BanTarget {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])) else {
            if IPAddress(text) != nil {
                throw InputError("'\(text)' is an address, not a CIDR block; use 'ip' instead of 'range', or add /prefix")
            }
            throw InputError("'\(text)' is not a valid CIDR block; write it like 192.0.2.0/24 or 2001:db8::/32")
        }
        let width = address.width
        guard let prefix = Int(parts[1]), parts[1].allSatisfy(\.isNumber), (0...width).contains(prefix) else {
            throw InputError("'\(text)' is not a valid CIDR block: the prefix length must be 0 to \(width)")
        }
        let target = BanTarget.range(network: address, prefixLength: prefix)
        guard target.first == address else {
            throw InputError(
                "'\(text)' is not a valid CIDR block: host bits are set; did you mean \(BanTarget.range(network: target.first, prefixLength: prefix))?")
        }
        return target
    }

    /// Host bits of a block of `prefixLength` in a family of `width` bits.
    private static func hostMask(width: Int, prefixLength: Int) -> UInt128 {
        let hostBits = width - prefixLength
        return hostBits >= 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1
    }

    /// The first address covered.
    public var first: IPAddress {
        switch self {
        case .ip(let a): return a
        case .range(let network, let prefix):
            // The family stays the network's: an IPv6 block such as ::/80 ends at
            // ::ffff:ffff:ffff, which must not be read back as an IPv4-mapped address.
            let mask = Self.hostMask(width: network.width, prefixLength: prefix)
            return IPAddress(bits: network.bits & ~mask, isIPv4: network.isIPv4)
        }
    }

    /// The last address covered.
    public var last: IPAddress {
        switch self {
        case .ip(let a): return a
        case .range(let network, let prefix):
            let mask = Self.hostMask(width: network.width, prefixLength: prefix)
            return IPAddress(bits: network.bits | mask, isIPv4: network.isIPv4)
        }
    }

    /// Whether `address` lies in this target.
    public func contains(_ address: IPAddress) -> Bool {
        first.isIPv4 == address.isIPv4 && first <= address && address <= last
    }

    /// Whether every address of `other` lies in this target.
    public func covers(_ other: BanTarget) -> Bool {
        contains(other.first) && contains(other.last)
    }

    /// `Ip` or `Range`, as CrowdSec names scopes.
    public var scopeName: String { isRange ? "Range" : "Ip" }

    /// Whether this is a CIDR block rather than one address.
    public var isRange: Bool {
        if case .range = self { return true }
        return false
    }

    /// Appends the canonical text as UTF-8.
    public func appendText(to bytes: inout [UInt8]) {
        switch self {
        case .ip(let a): a.appendText(to: &bytes)
        case .range(let network, let prefix):
            network.appendText(to: &bytes)
            bytes.append(47)
            bytes.append(contentsOf: String(prefix).utf8)
        }
    }

    /// Canonical text, the key of "one live ban per target".
    public var description: String {
        var bytes: [UInt8] = []
        appendText(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses canonical text as stored by a backend (an address or a block).
    public init?(storedText text: String) {
        if let target = try? (text.utf8.contains(UInt8(ascii: "/")) ? Self.parseRange(text) : Self.parseIP(text)) {
            self = target
        } else {
            return nil
        }
    }
}
