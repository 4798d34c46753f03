import WardenModel

/// One line of the allowlist: an address or a CIDR block that Warden never bans,
/// with the operator's comment saying why.
public struct AllowlistEntry: Sendable, Equatable, CustomStringConvertible {
    /// The address or block allowlisted.
    public var target: BanTarget
    /// Why it must stay reachable ("loopback", "office VPN"); may be empty in a hand-written file.
    public var comment: String

    public init(target: BanTarget, comment: String) {
        self.target = target
        self.comment = comment
    }

    /// `127.0.0.0/8 (loopback)`, or the bare target without a comment.
    public var description: String {
        comment.isEmpty ? target.description : "\(target) (\(comment))"
    }

    /// Whether `block` is larger than this entry and contains it (as `0.0.0.0/0` contains
    /// `127.0.0.0/8`), compared as the 128 bits the backends store. Otherwise a target
    /// that meets this entry lies inside it: CIDR blocks are nested or disjoint.
    public func isStrictlyInside(_ block: BanTarget) -> Bool {
        block != target && block.first.bits <= target.first.bits && target.last.bits <= block.last.bits
    }

    /// Parses an allowlist entry's target: an address, or a CIDR block when it has a `/`.
    /// - Throws: ``InputError`` with the message the CLI prints.
    public static func parseTarget(_ text: String) throws(InputError) -> BanTarget {
        text.contains("/") ? try BanTarget.parseRange(text) : try BanTarget.parseIP(text)
    }
}
