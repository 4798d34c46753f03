import CWardenBackend
import WardenBasics
import WardenModel

/// The host's side of `warden.history/1` (`warden_backend.h`): counts of a target's
/// bans, signals read back, deletes by id. Each method throws
/// ``BackendCallError/historyUnsupported(backend:operation:)`` when the backend lacks
/// the extension, so callers can tell "cannot" from "failed".
extension LoadedBackend {
    /// Whether the backend offers `warden.history/1`.
    public var offersHistory: Bool { extensionTable(WARDEN_EXT_HISTORY) != nil }

    /// The extension's table, or the error that says the backend lacks it.
    private func historyTable(_ operation: String) throws(BackendCallError) -> warden_ext_history_t {
        guard let table = try extensionTable(
            WARDEN_EXT_HISTORY, as: warden_ext_history_t.self, minimumSize: Int(WARDEN_EXT_HISTORY_V1_SIZE),
            operation: operation)
        else { throw .historyUnsupported(backend: name, operation: operation) }
        return table
    }

    /// `insert_signal` (ABI 1.1): inserts `signal` as ``insert(_:)`` does and returns the
    /// id it got, as ``readSignals(_:now:visit:)`` lists it (0 when it has no bans); nil
    /// when the backend does not offer it, and then nothing was inserted.
    public func insertReturningID(_ signal: SignalOrder) throws(BackendCallError) -> Int64? {
        guard let table = try extensionTable(
            WARDEN_EXT_HISTORY, as: warden_ext_history_t.self, minimumSize: Int(WARDEN_EXT_HISTORY_V1_SIZE),
            operation: "insert_signal"),
            let function = table.insert_signal
        else { return nil }
        var id: Int64 = 0
        try withUnsafeMutablePointer(to: &id) { id throws(BackendCallError) in
            try call("insert_signal") { err, len in
                encoder.withSignal(signal) { function(vtable, $0, id, err, len) }
            }
        }
        return id
    }

    /// `target_history`: the bans that contain `target`, counted since `sinceNs`
    /// (exclusive; nil: all), and the live ones at `now`.
    public func targetHistory(_ target: BanTarget, sinceNs: Int64?, now: Int64) throws(BackendCallError) -> TargetHistory {
        let table = try historyTable("target_history")
        guard let function = table.target_history else { throw .historyUnsupported(backend: name, operation: "target_history") }
        var query = warden_target_query_t()
        query.struct_size = UInt32(MemoryLayout<warden_target_query_t>.size)
        withUnsafeMutableBytes(of: &query.range_start) { target.first.writeNetworkBytes(to: $0) }
        withUnsafeMutableBytes(of: &query.range_end) { target.last.writeNetworkBytes(to: $0) }
        query.since_ns = sinceNs ?? .min
        query.now_ns = now
        var out = warden_target_history_t()
        out.struct_size = UInt32(MemoryLayout<warden_target_history_t>.size)
        try call("target_history") { err, len in function(vtable, &query, &out, err, len) }
        return TargetHistory(
            banCount: out.ban_count, activeCount: out.active_count,
            activeUntilNs: out.active_count > 0 ? out.active_until_ns : nil)
    }

    /// `read_signals`: the signals `query` selects, newest first, each tagged with this
    /// backend's name; `visit` returns false to make the backend stop.
    /// - Throws: ``BackendCallError``, also (`WARDEN_E_ABI`) when a record, its signal or
    ///   their arrays are smaller than version 1's.
    public func readSignals(
        _ query: SignalQuery, now: Int64, visit: (SignalRecord) -> Bool
    ) throws(BackendCallError) {
        let table = try historyTable("read_signals")
        guard let function = table.read_signals else { throw .historyUnsupported(backend: name, operation: "read_signals") }
        try withoutActuallyEscaping(visit) { visit throws(BackendCallError) in
            let collector = SignalCollector(backend: name, visit: visit)
            let text = query.target.map { Array($0.description.utf8) } ?? []
            let strings = [text, Array((query.origin ?? "").utf8), Array((query.action ?? "").utf8),
                           Array((query.scenario ?? "").utf8)]
            try call("read_signals") { err, len in
                withStrings(strings) { s in
                    var q = warden_signal_query_t()
                    q.struct_size = UInt32(MemoryLayout<warden_signal_query_t>.size)
                    q.scope = switch query.scope {
                    case nil: 0
                    case .ip: UInt32(WARDEN_SCOPE_IP)
                    case .range: UInt32(WARDEN_SCOPE_RANGE)
                    }
                    q.signal_id = query.id ?? 0
                    q.ban_id = query.banID ?? 0
                    q.target = s[0]
                    if let range = query.containing ?? query.within {
                        q.range_match = query.containing != nil ? WARDEN_RANGE_CONTAINS : WARDEN_RANGE_WITHIN
                        withUnsafeMutableBytes(of: &q.range_start) { range.first.writeNetworkBytes(to: $0) }
                        withUnsafeMutableBytes(of: &q.range_end) { range.last.writeNetworkBytes(to: $0) }
                    }
                    q.active_only = query.activeOnly ? 1 : 0
                    q.origin = s[1]
                    q.action = s[2]
                    q.scenario = s[3]
                    q.since_ns = query.createdAfter ?? .min
                    q.until_ns = query.createdBefore ?? .max
                    q.now_ns = now
                    q.limit = UInt64(max(query.limit ?? 0, 0))
                    return function(vtable, &q, { context, record in
                        Unmanaged<SignalCollector>.fromOpaque(context!).takeUnretainedValue().append(record!)
                    }, Unmanaged.passUnretained(collector).toOpaque(), err, len)
                }
            }
            if let defect = collector.defect {
                throw BackendCallError(
                    backend: name, operation: "read_signals", status: WARDEN_E_ABI,
                    message: "it returned \(defect); rebuild it against warden_backend.h 1.x")
            }
        }
    }

    /// `read_signals`, collected.
    public func readSignals(_ query: SignalQuery, now: Int64) throws(BackendCallError) -> [SignalRecord] {
        var records: [SignalRecord] = []
        try readSignals(query, now: now) { records.append($0); return true }
        return records
    }

    /// `delete_signal`: ends the signal's live bans and hides it; 1, or 0 when there is no such signal.
    public func deleteSignal(id: Int64) throws(BackendCallError) -> Int {
        let table = try historyTable("delete_signal")
        guard let function = table.delete_signal else { throw .historyUnsupported(backend: name, operation: "delete_signal") }
        var deleted: UInt64 = 0
        try call("delete_signal") { err, len in function(vtable, id, &deleted, err, len) }
        return Int(deleted)
    }

    /// `delete_ban`: ends ban `id` if it is live; 1, or 0 when there is no such live ban.
    public func deleteBan(id: Int64) throws(BackendCallError) -> Int {
        let table = try historyTable("delete_ban")
        guard let function = table.delete_ban else { throw .historyUnsupported(backend: name, operation: "delete_ban") }
        var deleted: UInt64 = 0
        try call("delete_ban") { err, len in function(vtable, id, &deleted, err, len) }
        return Int(deleted)
    }
}

extension BackendCallError {
    /// The host's own error for a backend that lacks `warden.history/1`: what the
    /// caller wanted (`operation`, a member of the extension) cannot be done there.
    public static func historyUnsupported(backend: String, operation: String) -> BackendCallError {
        BackendCallError(
            backend: backend, operation: WARDEN_EXT_HISTORY, status: WARDEN_E_UNSUPPORTED,
            message: "\(operation) needs it, to count a target's bans or to list and delete signals; use a backend that "
                + "offers it (dummy, sqlite, mysql) or upgrade this one (see 'warden backends list')")
    }

    /// Whether this is ``historyUnsupported(backend:operation:)``: the backend lacks
    /// `warden.history/1`, rather than failing at it.
    public var isHistoryUnsupported: Bool { operation == WARDEN_EXT_HISTORY && status == WARDEN_E_UNSUPPORTED }
}

/// Copies the signals of `read_signals`, each read within the sizes the backend
/// declared; stops the stream at the first malformed one.
private final class SignalCollector {
    let backend: String
    let visit: (SignalRecord) -> Bool
    /// What was wrong with the record that stopped the stream, if one did.
    var defect: String?

    init(backend: String, visit: @escaping (SignalRecord) -> Bool) {
        self.backend = backend
        self.visit = visit
    }

    /// Takes one record; returns what the sink returns to the backend (0: go on, 1: stop).
    func append(_ raw: UnsafePointer<warden_signal_record_t>) -> Int32 {
        guard let record = decode(raw) else { return 1 }
        return visit(record) ? 0 : 1
    }

    private func refuse(_ what: String) -> SignalRecord? {
        defect = what
        return nil
    }

    private func decode(_ raw: UnsafePointer<warden_signal_record_t>) -> SignalRecord? {
        let size = Int(raw.pointee.struct_size)
        guard size >= WARDEN_SIGNAL_RECORD_V1_SIZE else {
            return refuse("a signal record of \(size) bytes; version 1 records are at least \(WARDEN_SIGNAL_RECORD_V1_SIZE) bytes")
        }
        let r = loadVersioned(warden_signal_record_t.self, from: raw, stride: size)
        guard let signalPointer = r.signal else { return refuse("signal record \(r.id) without its signal") }
        let signalSize = Int(signalPointer.pointee.struct_size)
        guard signalSize >= WARDEN_SIGNAL_V1_0_SIZE else {
            return refuse("a signal of \(signalSize) bytes; ABI 1.0 signals are at least \(WARDEN_SIGNAL_V1_0_SIZE) bytes")
        }
        let s = loadVersioned(warden_signal_t.self, from: signalPointer, stride: signalSize)
        guard s.ban_count == 0 || (s.ban_stride >= WARDEN_BAN_V1_0_SIZE && s.bans != nil && r.ban_ids != nil
                                   && r.ban_ended_ns != nil) else {
            return refuse("signal \(r.id) with bans \(s.ban_stride) bytes apart or without their ids and ends; "
                          + "ABI 1.0 bans are at least \(WARDEN_BAN_V1_0_SIZE) bytes")
        }
        guard s.event_count == 0 || (s.event_stride >= WARDEN_EVENT_V1_0_SIZE && s.events != nil) else {
            return refuse("signal \(r.id) with events \(s.event_stride) bytes apart; ABI 1.0 events are at least "
                          + "\(WARDEN_EVENT_V1_0_SIZE) bytes")
        }
        let bans = (0..<s.ban_count).map { i in
            let b = loadVersioned(warden_ban_t.self, from: s.bans!, stride: s.ban_stride, index: i)
            let ended = r.ban_ended_ns![i]
            return SignalRecord.RecordedBan(
                id: r.ban_ids![i], scope: b.scope == WARDEN_SCOPE_RANGE ? "Range" : "Ip", target: String(b.target),
                origin: String(b.origin), action: String(b.action), reason: String(b.reason),
                scenario: String(b.scenario), country: String(b.country), asName: String(b.as_name),
                asNumber: b.as_number, untilNs: b.until_ns, endedNs: ended == 0 ? nil : ended)
        }
        let events = (0..<s.event_count).map { i in
            let e = loadVersioned(warden_event_t.self, from: s.events!, stride: s.event_stride, index: i)
            return SignalOrder.Event(timeNs: e.time_ns, source: String(e.source), serialized: String(e.serialized))
        }
        var labels: [String: String] = [:]
        for i in 0..<s.labels.count {  // warden_kv_t is frozen: indexed as usual
            labels[String(s.labels.items[i].key)] = String(s.labels.items[i].value)
        }
        return SignalRecord(
            id: r.id, scenario: String(s.scenario), message: String(s.message), source: String(s.source),
            eventsCount: s.events_count, startNs: s.start_ns, stopNs: s.stop_ns, createdNs: s.created_ns,
            simulated: s.simulated != 0, bans: bans, events: events, labels: labels, backend: backend)
    }
}
