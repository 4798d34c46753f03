import WardenAlerts
import WardenBasics
import WardenDecisions
import WardenModel

/// The one place that turns an alert and its decisions into the signal backends store:
/// its scenario, message, source, events with their meta, labels, and one ban per
/// decision on an IP or a range. Checks what LAPI's database layer checks (durations,
/// addresses), with LAPI's messages.
public enum AlertSignal {
    /// Why an alert cannot be stored, in LAPI's words (it answers 500 with them).
    public struct Refusal: Error, Equatable {
        public var message: String
    }

    /// The signal for `alert` with `decisions`, received at `now`; the decisions left out
    /// because their scope is neither `Ip` nor `Range` (Warden bans addresses only); and the
    /// decisions kept, which are all but those `admit` refused.
    ///
    /// `admit` sees each decision on an IP or a range whose value parses, with its target,
    /// before anything else of it is checked: one it refuses is dropped as if never sent
    /// (the allowlist). Each value is parsed once: a bulk import sends 100k of them.
    ///
    /// As LAPI: a ban lasts from the alert's `stop_at` (now when it does not parse) for the
    /// decision's duration; a range with host bits set covers its whole block; times that
    /// do not parse are now.
    static func make(
        alert: Alert, decisions: [AlertDecision], now: Int64,
        admit: (AlertDecision, BanTarget) -> Bool = { _, _ in true }
    ) throws(Refusal) -> (signal: SignalOrder, skipped: [AlertDecision], kept: [AlertDecision]) {
        let stopNs = alert.stopAt.flatMap(Timestamp.parse) ?? now
        let source = alert.source ?? AlertSource()
        var bans: [BanOrder] = []
        bans.reserveCapacity(decisions.count)
        var skipped: [AlertDecision] = []
        var kept: [AlertDecision] = []
        kept.reserveCapacity(decisions.count)
        // The scope each kept decision was sent with: `cscli decisions import` sends a CIDR as `Ip`.
        var sentScopes: [String] = []
        // The last duration read: an import gives most of its decisions the same one.
        var lastDuration: (text: String, ns: Int64)? = nil
        for decision in decisions {
            let value = decision.value ?? ""
            let scope = decision.scope ?? ""
            let bansAddresses = scope.utf8.count <= 5 && ["ip", "range"].contains(scope.lowercased())
            let parsed: Result<BanTarget, Refusal>? = bansAddresses ? Result { () throws(Refusal) in try Self.target(value) } : nil
            if case .success(let target) = parsed, !admit(decision, target) { continue }
            kept.append(decision)
            let durationText = decision.duration ?? ""
            let duration: Int64
            if let last = lastDuration, last.text == durationText {
                duration = last.ns
            } else if let parsed = GoDuration.parse(durationText) {
                duration = parsed
                lastDuration = (durationText, parsed)
            } else {
                throw Refusal(message: "decision duration '\(durationText)' : \(goDurationError(durationText)): unable to parse duration")
            }
            guard let parsed else {
                skipped.append(decision)
                continue
            }
            let target = try parsed.get()
            sentScopes.append(scope)
            bans.append(BanOrder(
                target: target, untilNs: stopNs + duration, reason: decision.scenario ?? "",
                scenario: decision.scenario ?? "", action: decision.type ?? "", origin: decision.origin ?? "",
                country: source.cn, asName: source.asName, asNumber: Int64(source.asNumber) ?? 0))
        }
        let events = (alert.events ?? []).map { event in
            let meta = event.meta ?? []
            return SignalOrder.Event(
                timeNs: event.timestamp.flatMap(Timestamp.parse) ?? now,
                source: meta.last { $0.key == "source_ip" }?.value ?? "",
                serialized: metaJSON(meta))
        }
        let scope = source.scope ?? "", value = source.value ?? ""
        let signal = SignalOrder(
            scenario: alert.scenario ?? "", message: alert.message ?? "",
            source: scope == "Ip" || scope == "Range" || value.isEmpty ? value : "\(scope) \(value)",
            eventsCount: Int64(alert.eventsCount ?? 0), startNs: alert.startAt.flatMap(Timestamp.parse) ?? now,
            stopNs: stopNs, createdNs: now, simulated: isSimulated(alert, kept), bans: bans, events: events,
            labels: Dictionary((alert.labels ?? []).map { ($0, "") }, uniquingKeysWith: { first, _ in first })
                .merging(AlertProvenance.labels(of: alert, sentScopes: sentScopes, bans: bans)) { _, reserved in reserved })
        return (signal, skipped, kept)
    }

    /// Whether the alert's signal is a simulation, never enforced: the alert says so, or
    /// every decision it applies does. An alert that mixes simulated and real decisions
    /// enforces them all (stricter than CrowdSec, which enforces only the real ones:
    /// a signal is simulated or not as a whole).
    static func isSimulated(_ alert: Alert, _ decisions: [AlertDecision]) -> Bool {
        alert.simulated == true || (!decisions.isEmpty && decisions.allSatisfy { $0.simulated == true })
    }

    /// An address or a CIDR block as Go's `net.ParseIP`/`net.ParseCIDR` read them, with LAPI's errors.
    public static func target(_ value: String) throws(Refusal) -> BanTarget {
        if value.utf8.contains(UInt8(ascii: "/")) {
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let address = IPAddress(String(parts[0])), let prefix = Int(parts[1]),
                  parts[1].allSatisfy(\.isNumber), (0...address.width).contains(prefix)
            else {
                throw Refusal(message: "invalid addr/range \(value) : while parsing range \(value): invalid CIDR address: \(value): unable to parse duration")
            }
            let block = BanTarget.range(network: address, prefixLength: prefix)
            return .range(network: block.first, prefixLength: prefix)
        }
        guard let address = IPAddress(value) else {
            throw Refusal(message: "invalid addr/range \(value) : invalid address: unable to parse duration")
        }
        return .ip(address)
    }

    /// Go's `time.ParseDuration` error for a text it refuses.
    static func goDurationError(_ text: String) -> String {
        if !text.isEmpty, text != "0", text.allSatisfy(\.isNumber) {
            return "time: missing unit in duration \"\(text)\""
        }
        return "time: invalid duration \"\(text)\""
    }

    /// An event's meta as LAPI serializes it: `[{"key":"…","value":"…"},…]`.
    static func metaJSON(_ meta: [MetaItem]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in meta.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var fields: [String] = []
            if !item.key.isEmpty { fields.append("key") }
            if !item.value.isEmpty { fields.append("value") }
            bytes.append(UInt8(ascii: "{"))
            for (position, field) in fields.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += Array("\"\(field)\":".utf8)
                JSONText.appendString(field == "key" ? item.key : item.value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
