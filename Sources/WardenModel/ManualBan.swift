import WardenBasics

/// A ban decided by a person or a script rather than by a scenario: what
/// `warden ban add` (and later `cscli decisions add`) records. The one place that
/// turns such a decision into the signal backends store.
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

    /// The signal recorded for this ban at `now`: one event, one ban, the reason
    /// as scenario, and a message such as `ban 192.0.2.7 for 4h0m0s (ssh bruteforce)`.
    public func signal(at now: Int64) -> SignalOrder {
        let ban = BanOrder(
            target: target, untilNs: now + durationNs, reason: reason, scenario: reason, action: action,
            origin: origin, country: country, asName: asName, asNumber: asNumber)
        return SignalOrder(
            scenario: reason, message: "\(action) \(target) for \(GoDuration.format(roundingNanoseconds: durationNs)) (\(reason))",
            source: target.description, eventsCount: 1, startNs: now, stopNs: now, createdNs: now, bans: [ban])
    }
}
