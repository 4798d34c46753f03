import WardenModel

/// One line of the allowlist: an address or a CIDR block that Warden never bans,
/// with the operator's comment saying why, the named list it belongs to, and when it
/// expires, if it does.
public struct AllowlistEntry: Sendable, Equatable, CustomStringConvertible {
    /// The address or block allowlisted.
    public var target: BanTarget
    /// Why it must stay reachable ("loopback", "office VPN"); may be empty in a hand-written file.
    public var comment: String
    /// The named list it belongs to (``Allowlist/defaultListName`` before any `[name]` line).
    public var list: String
    /// When it stops applying, ns since the epoch; nil: never.
    public var expiresNs: Int64?

    public init(target: BanTarget, comment: String, list: String = Allowlist.defaultListName, expiresNs: Int64? = nil) {
        self.target = target
        self.comment = comment
        self.list = list
        self.expiresNs = expiresNs
    }

    /// Whether it applies at `now`: it does not expire, or not yet.
    public func isActive(at now: Int64) -> Bool {
        expiresNs.map { now < $0 } ?? true
    }

    /// CrowdSec's reason for an allowlisted value: `192.0.2.0/24 from office (VPN)`.
    public var reason: String {
        "\(target) from \(list)" + (comment.isEmpty ? "" : " (\(comment))")
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
