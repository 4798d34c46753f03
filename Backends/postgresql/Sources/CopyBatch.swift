import CWardenBackend
import WardenBackendKit

/// Rows waiting for `flush`, written straight into the text format of `COPY ... FROM
/// STDIN` (tab-separated, `\N` for NULL, backslash escapes), one buffer per table: the
/// host's strings are only borrowed for the insert call, and COPY is PostgreSQL's
/// fastest way in.
struct CopyBatch {
    /// The `bans` columns a flush writes, in COPY order.
    static let banColumns = [
        "signal_uid", "target", "scope", "range_start", "range_end", "origin", "action", "reason", "scenario", "country",
        "as_name", "as_number", "until_ns", "created_ns", "signal_scenario", "signal_message", "signal_source",
        "events_count", "start_ns", "stop_ns", "simulated",
    ]
    static let copyBans = "COPY bans(\(banColumns.joined(separator: ", "))) FROM STDIN"
    static let copyEvents = "COPY events(signal_uid, time_ns, source, serialized) FROM STDIN"
    static let copyLabels = "COPY warden_labels(signal_uid, label_key, label_value) FROM STDIN"

    private(set) var bans: [UInt8] = []
    private(set) var events: [UInt8] = []
    private(set) var labels: [UInt8] = []
    /// Ban rows and signals in the batch.
    private(set) var banCount = 0
    private(set) var signalCount = 0

    var isEmpty: Bool { signalCount == 0 }

    /// Copies `signal` in, tagged with `uid`: every ban as one row (signal fields that repeat
    /// the ban's as NULL, see PostgreSQLSchema), its events and labels.
    mutating func append(_ signal: RawSignal, uid: Int64) {
        let s = signal.fields
        for b in signal.bans {
            Self.int(uid, &bans, tab: true)
            Self.text(b.target.bytes, &bans)
            Self.int(Int64(b.scope), &bans, tab: true)
            // Both scopes keep their addresses: warden.history/1 finds containment by index.
            withUnsafeBytes(of: b.range_start) { Self.address($0, &bans) }
            withUnsafeBytes(of: b.range_end) { Self.address($0, &bans) }
            for field in [b.origin, b.action, b.reason, b.scenario, b.country, b.as_name] { Self.text(field.bytes, &bans) }
            Self.int(b.as_number, &bans, tab: true)
            Self.int(b.until_ns, &bans, tab: true)
            Self.int(s.created_ns, &bans, tab: true)
            Self.text(s.scenario.hasSameBytes(as: b.scenario) ? nil : s.scenario.bytes, &bans)
            Self.text(s.message.bytes, &bans)
            Self.text(s.source.hasSameBytes(as: b.target) ? nil : s.source.bytes, &bans)
            Self.int(s.events_count, &bans, tab: true)
            Self.int(s.start_ns == s.created_ns ? nil : s.start_ns, &bans, tab: true)
            Self.int(s.stop_ns == s.created_ns ? nil : s.stop_ns, &bans, tab: true)
            Self.int(Int64(s.simulated), &bans, tab: false)
            bans.append(0x0A)
            banCount += 1
        }
        for e in signal.events {
            Self.int(uid, &events, tab: true)
            Self.int(e.time_ns, &events, tab: true)
            Self.text(e.source.bytes, &events)
            Self.text(e.serialized.bytes, &events, last: true)
        }
        let map = s.labels
        for i in 0..<map.count {  // warden_kv_t is frozen: indexed as usual
            Self.int(uid, &labels, tab: true)
            Self.text(map.items[i].key.bytes, &labels)
            Self.text(map.items[i].value.bytes, &labels, last: true)
        }
        signalCount += 1
    }

    mutating func removeAll() {
        bans.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        banCount = 0
        signalCount = 0
    }

    private static func int(_ value: Int64?, _ out: inout [UInt8], tab: Bool) {
        if let value { out.append(contentsOf: String(value).utf8) } else { out.append(contentsOf: [0x5C, 0x4E]) }  // \N
        if tab { out.append(0x09) }
    }

    /// A text field, escaped for COPY, then a tab (a newline after the row's last field).
    private static func text(_ value: UnsafeRawBufferPointer?, _ out: inout [UInt8], last: Bool = false) {
        if let value {
            for byte in value {
                switch byte {
                case 0x5C: out.append(0x5C); out.append(0x5C)  // backslash
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                default: out.append(byte)
                }
            }
        } else {
            out.append(contentsOf: [0x5C, 0x4E])
        }
        out.append(last ? 0x0A : 0x09)
    }

    /// 16 bytes (network order, as the ABI gives them) as bytea's hex input (`\x...`, its
    /// backslash escaped for COPY).
    private static func address(_ bytes: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "x")])
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        out.append(0x09)
    }
}
