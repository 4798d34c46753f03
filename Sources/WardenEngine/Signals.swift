import WardenBasics
import WardenModel

/// Where the signals backends store are built, for each way a ban comes in: a person's
/// (`warden ban add`) and an import file's here; an alert's, with LAPI's checks and
/// messages, in ``AlertSignal``. Nothing else builds a signal.
public enum Signals {
    /// The signal recorded for `ban` at `now`: one event, one ban, the reason as
    /// scenario, and a message such as `ban 192.0.2.7 for 4h0m0s (ssh bruteforce)`.
    public static func manual(_ ban: ManualBan, at now: Int64) -> SignalOrder {
        SignalOrder(
            scenario: ban.reason,
            message: "\(ban.action) \(ban.target) for \(GoDuration.format(roundingNanoseconds: ban.durationNs)) (\(ban.reason))",
            source: ban.target.description, eventsCount: 1, startNs: now, stopNs: now, createdNs: now,
            bans: [order(ban, at: now)])
    }

    /// One signal carrying every ban of an import from `file`, recorded at `now`: a backend
    /// stores all of it or none of it (`insert` is all or nothing), and it is one insert
    /// call, not one a ban. Named as cscli names its import alert ("add: N IPs").
    public static func imported(_ bans: [ManualBan], file: String, at now: Int64) -> SignalOrder {
        let name = String(file.split(separator: "/").last ?? Substring(file)).prefix(200)
        return SignalOrder(
            scenario: "import: \(bans.count) bans", message: "imported \(bans.count) bans from \(name)", source: "",
            eventsCount: Int64(bans.count), startNs: now, stopNs: now, createdNs: now,
            bans: bans.map { order($0, at: now) })
    }

    /// The ban of `ban`, from `now` for its duration; the reason is its scenario too.
    private static func order(_ ban: ManualBan, at now: Int64) -> BanOrder {
        BanOrder(
            target: ban.target, untilNs: now + ban.durationNs, reason: ban.reason, scenario: ban.reason,
            action: ban.action, origin: ban.origin, country: ban.country, asName: ban.asName, asNumber: ban.asNumber)
    }
}
