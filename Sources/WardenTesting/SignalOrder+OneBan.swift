import WardenModel
import WardenStore

extension SignalOrder {
    /// A signal carrying one ban on `target`, built the way `warden ban add` builds one:
    /// one event, created now, scenario and reason the same text.
    public static func oneBan(
        _ target: BanTarget, now: Int64, seconds: Int64, reason: String, origin: String = "cli"
    ) -> SignalOrder {
        SignalOrder(
            scenario: reason, message: "", source: target.description, eventsCount: 1, startNs: now, stopNs: now,
            createdNs: now, bans: [BanOrder(target: target, untilNs: now + seconds * 1_000_000_000, reason: reason,
                                            scenario: reason, action: "ban", origin: origin)])
    }
}
