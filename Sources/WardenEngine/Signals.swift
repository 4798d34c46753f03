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

extension Signals {
    /// A ban taken over from another Local API's database (`warden migrate crowdsec`):
    /// its target, when it ends, and what that database said of it.
    public struct MigratedBan: Sendable, Equatable {
        public var target: BanTarget
        public var untilNs: Int64
        public var scenario: String
        /// The decision's type: `ban`, `captcha`... (stored as the ban's action).
        public var type: String
        /// The decision's origin as that Local API named it (`cscli`, `crowdsec`, `CAPI`...).
        public var origin: String

        public init(target: BanTarget, untilNs: Int64, scenario: String, type: String, origin: String) {
            self.target = target
            self.untilNs = untilNs
            self.scenario = scenario
            self.type = type
            self.origin = origin
        }
    }

    /// The signal recorded at `now` for one alert taken over from another Local API: its
    /// scenario, message and source as that database kept them, and its bans ending when
    /// they ended there (not `now` plus a duration), so each keeps exactly the time it had left.
    public static func migrated(
        scenario: String, message: String, source: String, startNs: Int64, stopNs: Int64, country: String = "",
        asName: String = "", asNumber: Int64 = 0, bans: [MigratedBan], at now: Int64
    ) -> SignalOrder {
        SignalOrder(
            scenario: scenario, message: message, source: source, eventsCount: 1, startNs: startNs, stopNs: stopNs,
            createdNs: now,
            bans: bans.map {
                BanOrder(
                    target: $0.target, untilNs: $0.untilNs, reason: $0.scenario, scenario: $0.scenario, action: $0.type,
                    origin: $0.origin, country: country, asName: asName, asNumber: asNumber)
            },
            labels: ["migrated": "crowdsec"])
    }
}
