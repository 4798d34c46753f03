import WardenModel

/// The `ip=`/`range=` part of a decisions query with its `contains` flag: which
/// decisions an address or a block selects.
///
/// CrowdSec reads `ip` and `range` the same way (an address or a CIDR block,
/// host bits allowed and masked off), so an address is the block of its one
/// address (`/32`, `/128`) here.
public struct AddressQuery: Sendable, Hashable {
    /// The block asked about.
    public var block: BanTarget
    /// True: decisions whose target contains the block (the default); false:
    /// decisions whose target lies inside it.
    public var contains: Bool

    public init(block: BanTarget, contains: Bool = true) {
        self.block = block
        self.contains = contains
    }

    /// Whether `target` is selected.
    public func selects(_ target: BanTarget) -> Bool {
        contains ? target.covers(block) : block.covers(target)
    }

    /// Parses an `ip=` or `range=` value as CrowdSec does: an address, or a CIDR
    /// block whose host bits are masked off (`192.0.2.7/24` is `192.0.2.0/24`).
    /// - Throws: ``InputError`` naming the parameter and the value.
    static func parseBlock(_ text: String, parameter: String) throws(InputError) -> BanTarget {
        if let address = IPAddress(text) {
            return .range(network: address, prefixLength: address.width)
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])) else {
            throw InputError(
                "\(parameter) '\(text)' is not an address or a CIDR block; "
                    + "write it like 192.0.2.1, 192.0.2.0/24, 2001:db8::1 or 2001:db8::/32")
        }
        guard !parts[1].isEmpty, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let prefix = Int(parts[1]),
              prefix <= address.width
        else {
            throw InputError(
                "\(parameter) '\(text)' is not a valid CIDR block: the prefix length must be 0 to \(address.width)")
        }
        return .range(network: BanTarget.range(network: address, prefixLength: prefix).first, prefixLength: prefix)
    }

    /// Parses `contains=` as Go's `strconv.ParseBool` does (CrowdSec's parser).
    /// - Throws: ``InputError`` with the accepted spellings.
    static func parseContains(_ text: String) throws(InputError) -> Bool {
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw InputError("contains '\(text)' is not a boolean; use true or false")
        }
    }
}
