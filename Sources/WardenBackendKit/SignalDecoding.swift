import WardenBasics
import CWardenBackend

extension Signal {
    /// Copies a host signal, already read into this SDK's layout, into Swift values.
    public init(_ raw: RawSignal) {
        let s = raw.fields
        var labels: [String: String] = [:]
        for i in 0..<s.labels.count {  // warden_kv_t is frozen: indexed as usual
            let kv = s.labels.items[i]
            labels[String(kv.key)] = String(kv.value)
        }
        self.init(
            scenario: String(s.scenario), message: String(s.message), source: String(s.source),
            eventsCount: s.events_count, startNs: s.start_ns, stopNs: s.stop_ns, createdNs: s.created_ns,
            simulated: s.simulated != 0,
            bans: raw.bans.map(SignalBan.init),
            events: raw.events.map {
                SignalEvent(timeNs: $0.time_ns, source: String($0.source), serialized: String($0.serialized))
            },
            labels: labels)
    }
}

extension SignalBan {
    init(_ b: warden_ban_t) {
        self.init(
            scope: BanScope(rawValue: b.scope) ?? .ip, target: String(b.target),
            rangeStart: UInt128(networkBytes: b.range_start), rangeEnd: UInt128(networkBytes: b.range_end),
            origin: String(b.origin), action: String(b.action), reason: String(b.reason),
            scenario: String(b.scenario), country: String(b.country), asName: String(b.as_name),
            asNumber: b.as_number, untilNs: b.until_ns)
    }
}

/// Encodes rows for the host's sink, reusing one byte buffer for the strings of
/// every row, so streaming a large result allocates nothing per row.
struct RowEncoder {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    /// Calls `body` with a C row that is valid only during the call.
    mutating func withRow<R>(_ row: BanRow, _ body: (UnsafePointer<warden_ban_row_t>) -> R) -> R {
        bytes.removeAll(keepingCapacity: true)
        let fields = [row.target, row.origin, row.action, row.reason, row.scenario, row.country, row.asName]
        var ends: [Int] = []
        ends.reserveCapacity(fields.count)
        for field in fields {
            bytes.append(contentsOf: field.utf8)
            ends.append(bytes.count)
        }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                let base = chars.baseAddress
                func str(_ i: Int) -> warden_str_t {
                    let start = i == 0 ? 0 : ends[i - 1]
                    return warden_str_t(ptr: base.map { $0 + start }, len: ends[i] - start)
                }
                var c = warden_ban_row_t(
                    struct_size: UInt32(MemoryLayout<warden_ban_row_t>.size), scope: row.scope.rawValue,
                    id: row.id, target: str(0), origin: str(1), action: str(2), reason: str(3),
                    scenario: str(4), country: str(5), as_name: str(6), as_number: row.asNumber,
                    until_ns: row.untilNs, created_ns: row.createdNs, ban_count: row.banCount,
                    events_count: row.eventsCount)
                return withUnsafePointer(to: &c) { body($0) }
            }
        }
    }
}
