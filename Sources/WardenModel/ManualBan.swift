import WardenBasics

/// A ban decided by a person or a script rather than by a scenario: what
/// `warden ban add` and `warden ban import` record (the engine's ``Signals`` turn it
/// into the signal backends store).
public struct ManualBan: Sendable, Equatable {
    public var target: BanTarget
    /// How long the ban lasts, in ns (> 0).
    public var durationNs: Int64
    /// Why, in the operator's words; also the signal's and the ban's scenario.
    public var reason: String
    /// What bouncers should do: `ban`, `slow`, `captcha`.
    public var action: String
    /// Who decided: `cli` for `warden ban add`.
    public var origin: String
    public var country: String
    public var asName: String
    public var asNumber: Int64

    public init(
        target: BanTarget, durationNs: Int64, reason: String, action: String = "ban", origin: String = "cli",
        country: String = "", asName: String = "", asNumber: Int64 = 0
    ) {
        self.target = target
        self.durationNs = durationNs
        self.reason = reason
        self.action = action
        self.origin = origin
        self.country = country
        self.asName = asName
        self.asNumber = asNumber
    }
}
