/// Which active bans to list: the filters `warden ban list` takes, and the ones
/// the decisions API will take. Every field is optional; an empty query matches
/// every ban active at `at`.
public struct BanQuery: Sendable, Equatable {
    /// The time the bans must be active at, in ns since the epoch; nil: now.
    public var at: Int64?
    /// Bans of this address, or of ranges containing it.
    public var containing: IPAddress?
    /// Bans inside this block (the block itself included).
    public var within: BanTarget?
    /// Bans whose reason contains this text (case-insensitive).
    public var reasonContains: String?
    /// Bans of this country (ISO 3166 code, case-insensitive).
    public var country: String?
    /// Bans whose AS text (`64500 Example Net`) contains this text (case-insensitive).
    public var asContains: String?
    /// At most this many bans, the newest first; nil: all of them.
    public var limit: Int?
    /// Read this backend only (its configured name); nil: every loaded backend.
    public var backend: String?

    public init(
        at: Int64? = nil, containing: IPAddress? = nil, within: BanTarget? = nil, reasonContains: String? = nil,
        country: String? = nil, asContains: String? = nil, limit: Int? = nil, backend: String? = nil
    ) {
        self.at = at
        self.containing = containing
        self.within = within
        self.reasonContains = reasonContains
        self.country = country
        self.asContains = asContains
        self.limit = limit
        self.backend = backend
    }

    /// Whether `ban` passes every filter (`at`, `limit` and `backend` are the store's business).
    public func matches(_ ban: Ban) -> Bool {
        if containing != nil || within != nil {
            guard let target = BanTarget(storedText: ban.target) else { return false }
            if let containing, !target.contains(containing) { return false }
            if let within, !within.covers(target) { return false }
        }
        if let reasonContains, !ban.reason.lowercased().contains(reasonContains.lowercased()) { return false }
        if let country, ban.country.lowercased() != country.lowercased() { return false }
        if let asContains, !ban.asText.lowercased().contains(asContains.lowercased()) { return false }
        return true
    }
}
