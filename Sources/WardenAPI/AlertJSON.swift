import WardenBasics
import WardenDecisions
import WardenModel
import WardenEngine

/// A stored signal written as CrowdSec 1.4.6's LAPI writes an alert (`FormatOneAlert`):
/// keys in Go's order, `created_at` in RFC 3339, `start_at`/`stop_at`/event times as Go's
/// `time.String()`, each decision with its id (the ban's) and its remaining time as Go
/// prints a duration, negative once it ended. The machine and what a signal has no member
/// for come from ``AlertProvenance``; a signal stored without them (`warden ban add`)
/// shows LAPI's `N/A` machine and its source from the signal.
enum AlertJSON {
    /// `[alert,...]`, or `null` for none, as LAPI answers an empty list.
    static func list(_ records: [SignalRecord], now: Int64) -> [UInt8] {
        guard !records.isEmpty else { return Array("null".utf8) }
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(record, now: now, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// One alert.
    static func append(_ record: SignalRecord, now: Int64, to out: inout [UInt8]) {
        let labels = record.labels
        func field(_ name: String) -> String { AlertProvenance.value(name, in: labels) }
        func key(_ name: String) { out += Array("\"\(name)\":".utf8) }
        func string(_ name: String, _ value: String) {
            key(name)
            JSONText.appendString(value, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(UInt8(ascii: "{"))
        key("capacity")
        out += Array("\(Int32(field("capacity")) ?? 0),".utf8)
        string("created_at", Timestamp.rfc3339(record.createdNs))
        key("decisions")
        appendDecisions(record, now: now, to: &out)
        out.append(UInt8(ascii: ","))
        key("events")
        if record.events.isEmpty {
            out += Array("null".utf8)
        } else {
            out.append(UInt8(ascii: "["))
            for (index, event) in record.events.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += Array(#"{"meta":"#.utf8)
                out += Array((event.serialized.isEmpty ? "null" : event.serialized).utf8)
                out += Array(#","timestamp":"#.utf8)
                JSONText.appendString(goTime(event.timeNs), to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: ","))
        key("events_count")
        out += Array("\(record.eventsCount),".utf8)
        key("id")
        out += Array("\(record.id),".utf8)
        key("labels")
        if let own = AlertProvenance.alertLabels(labels) {
            out.append(UInt8(ascii: "["))
            for (index, label) in own.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(label, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        } else {
            out += Array("null".utf8)
        }
        out.append(UInt8(ascii: ","))
        string("leakspeed", field("leakspeed"))
        let machine = field("machine_id")
        string("machine_id", machine.isEmpty ? "N/A" : machine)
        string("message", record.message)
        string("scenario", record.scenario)
        string("scenario_hash", field("scenario_hash"))
        string("scenario_version", field("scenario_version"))
        key("simulated")
        out += Array("\(record.simulated),".utf8)
        key("source")
        appendSource(record, to: &out)
        out.append(UInt8(ascii: ","))
        string("start_at", goTime(record.startNs))
        key("stop_at")
        JSONText.appendString(goTime(record.stopNs), to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func appendDecisions(_ record: SignalRecord, now: Int64, to out: inout [UInt8]) {
        guard !record.bans.isEmpty else {
            out += Array("null".utf8)
            return
        }
        let sentScopes = AlertProvenance.sentScopes(in: record.labels)
        out.append(UInt8(ascii: "["))
        for (index, ban) in record.bans.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"duration":""#.utf8)
            GoDuration.append(nanoseconds: ban.effectiveUntilNs - now, to: &out)
            out += Array("\",\"id\":\(ban.id),\"origin\":".utf8)
            JSONText.appendString(ban.origin, to: &out)
            out += Array(#","scenario":"#.utf8)
            JSONText.appendString(ban.scenario, to: &out)
            out += Array(#","scope":"#.utf8)
            JSONText.appendString(sentScopes.flatMap { index < $0.count ? $0[index] : nil } ?? ban.scope, to: &out)
            out += Array(",\"simulated\":\(record.simulated),\"type\":".utf8)
            JSONText.appendString(ban.action, to: &out)
            out += Array(#","value":"#.utf8)
            JSONText.appendString(ban.target, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `source`: its optional members only when set, as Go's `omitempty` writes them.
    private static func appendSource(_ record: SignalRecord, to out: inout [UInt8]) {
        let labels = record.labels
        let (scope, value) = AlertProvenance.sourceScopeAndValue(of: record)
        var members: [(String, String)] = []
        for (name, label) in [("as_name", "source_as_name"), ("as_number", "source_as_number"), ("cn", "source_cn"), ("ip", "source_ip")] {
            let text = AlertProvenance.value(label, in: labels)
            if !text.isEmpty { members.append((name, text)) }
        }
        let range = AlertProvenance.value("source_range", in: labels)
        if !range.isEmpty { members.append(("range", range)) }
        members += [("scope", scope), ("value", value)]
        out.append(UInt8(ascii: "{"))
        for (index, (name, text)) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array("\"\(name)\":".utf8)
            JSONText.appendString(text, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Go's `time.Time.String()` of a UTC time: `2026-11-24 00:06:14 +0000 UTC`, with the
    /// fraction of a second when there is one, trailing zeros dropped.
    static func goTime(_ ns: Int64) -> String {
        let rfc = Timestamp.rfc3339(ns)  // 2026-11-24T00:06:14Z
        var fraction = ns % 1_000_000_000
        if fraction < 0 { fraction += 1_000_000_000 }
        var text = String(rfc.replacingFirst("T", with: " ").dropLast())
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + " +0000 UTC"
    }
}

extension String {
    fileprivate func replacingFirst(_ target: Character, with replacement: Character) -> String {
        guard let index = firstIndex(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }
}
