import CWardenBackend
import WardenBasics

/// How a ``SignalSelection`` compares each ban's range with its own (`WARDEN_RANGE_*`).
public enum RangeMatch: UInt32, Sendable {
    /// Bans whose range covers the selection's (for an address: the bans that contain it).
    case contains = 1
    /// Bans whose range lies within the selection's.
    case within = 2
}

/// The question of `target_history` (`warden.history/1`): the bans that contain one
/// address or block, counted since a time, and the live ones at the host's now.
public struct HistoryQuery: Sendable, Equatable {
    /// The address or block asked about, as IPv6 numbers (IPv4 mapped to `::ffff:0:0/96`).
    public var rangeStart: UInt128
    public var rangeEnd: UInt128
    /// ``HistoryCounts/banCount`` counts bans whose signal was created after it; `Int64.min`: all.
    public var sinceNs: Int64
    /// The host's now: what "live" means.
    public var nowNs: Int64

    public init(rangeStart: UInt128, rangeEnd: UInt128, sinceNs: Int64 = .min, nowNs: Int64) {
        self.rangeStart = rangeStart
        self.rangeEnd = rangeEnd
        self.sinceNs = sinceNs
        self.nowNs = nowNs
    }

    /// Whether a ban covering `start...end` contains the query.
    public func isContained(inStart start: UInt128, end: UInt128) -> Bool {
        start <= rangeStart && rangeEnd <= end
    }
}

/// The answer of `target_history`; see `warden_target_history_t`.
public struct HistoryCounts: Sendable, Equatable {
    /// Bans stored that contain the query, created after its `sinceNs`, history included.
    public var banCount: Int64
    /// Of the bans that contain the query, how many are live at its `nowNs`.
    public var activeCount: Int64
    /// The latest `untilNs` of those live bans; 0 when there is none.
    public var activeUntilNs: Int64

    public init(banCount: Int64 = 0, activeCount: Int64 = 0, activeUntilNs: Int64 = 0) {
        self.banCount = banCount
        self.activeCount = activeCount
        self.activeUntilNs = activeUntilNs
    }
}

/// Which signals `read_signals` lists (`warden_signal_query_t`): every filter that is
/// set must hold. The ban filters (`scope`, `target`, `rangeMatch`, `origin`, `action`)
/// select a signal when one of its bans meets all of them at once.
public struct SignalSelection: Sendable, Equatable {
    public var signalID: Int64?
    /// Only the signal that holds this ban.
    public var banID: Int64?
    public var scope: BanScope?
    public var target: String?
    public var rangeMatch: RangeMatch?
    public var rangeStart: UInt128
    public var rangeEnd: UInt128
    public var origin: String?
    public var action: String?
    public var scenario: String?
    /// Signals created after it (exclusive); `Int64.min`: no bound.
    public var sinceNs: Int64
    /// Signals created before it (exclusive); `Int64.max`: no bound.
    public var untilNs: Int64
    /// Only signals with a ban live at ``nowNs``.
    public var activeOnly: Bool
    public var nowNs: Int64
    /// At most this many signals, the newest first; nil: no limit.
    public var limit: Int?

    public init(
        signalID: Int64? = nil, banID: Int64? = nil, scope: BanScope? = nil, target: String? = nil, rangeMatch: RangeMatch? = nil,
        rangeStart: UInt128 = 0, rangeEnd: UInt128 = 0, origin: String? = nil, action: String? = nil,
        scenario: String? = nil, sinceNs: Int64 = .min, untilNs: Int64 = .max, activeOnly: Bool = false,
        nowNs: Int64, limit: Int? = nil
    ) {
        self.signalID = signalID
        self.banID = banID
        self.scope = scope
        self.target = target
        self.rangeMatch = rangeMatch
        self.rangeStart = rangeStart
        self.rangeEnd = rangeEnd
        self.origin = origin
        self.action = action
        self.scenario = scenario
        self.sinceNs = sinceNs
        self.untilNs = untilNs
        self.activeOnly = activeOnly
        self.nowNs = nowNs
        self.limit = limit
    }

    /// Whether `ban` meets every ban filter, for a backend that filters in memory.
    public func banMatches(_ ban: SignalBan) -> Bool {
        if let scope, ban.scope != scope { return false }
        if let target, ban.target != target { return false }
        if let origin, ban.origin != origin { return false }
        if let action, ban.action != action { return false }
        switch rangeMatch {
        case nil: return true
        case .contains: return ban.rangeStart <= rangeStart && rangeEnd <= ban.rangeEnd
        case .within: return rangeStart <= ban.rangeStart && ban.rangeEnd <= rangeEnd
        }
    }

    /// Whether a signal with this id, ban ids, scenario and creation time meets the
    /// signal filters (the ban filters are ``banMatches(_:)``'s, and `activeOnly` the caller's).
    public func signalMatches(id: Int64, banIDs: [Int64], scenario: String, createdNs: Int64) -> Bool {
        if let signalID, id != signalID { return false }
        if let banID, !banIDs.contains(banID) { return false }
        if let wanted = self.scenario, scenario != wanted { return false }
        return sinceNs < createdNs && createdNs < untilNs
    }
}

/// One stored signal read back by `read_signals`: the signal as inserted, every one of
/// its bans with its id and when it ended.
public struct StoredSignal: Sendable, Equatable {
    /// The signal's id: the id of its first ban.
    public var id: Int64
    public var signal: Signal
    /// The id of each of `signal.bans`, in order.
    public var banIDs: [Int64]
    /// When each of `signal.bans` ended (deleted, replaced, swept, delete_all); nil while it has not.
    public var banEndedNs: [Int64?]

    /// `banIDs` and `banEndedNs` hold one value per ban of `signal` (the SDK refuses
    /// to send one that does not, with `WARDEN_E_INTERNAL`).
    public init(id: Int64, signal: Signal, banIDs: [Int64], banEndedNs: [Int64?]) {
        self.id = id
        self.signal = signal
        self.banIDs = banIDs
        self.banEndedNs = banEndedNs
    }
}

extension SignalSelection {
    /// Reads the host's query into this SDK's layout.
    /// - Throws: ``BackendError`` `.invalid` for NULL or a bad enum, `.abi` when too small.
    init(checking raw: UnsafePointer<warden_signal_query_t>?) throws(BackendError) {
        guard let raw else { throw BackendError(.invalid, "read_signals: the query is NULL; the host must pass one") }
        let size = Int(raw.pointee.struct_size)
        guard size >= WARDEN_SIGNAL_QUERY_V1_SIZE else {
            throw BackendError(
                .abi, "read_signals: the host sent a query of \(size) bytes; version 1 queries are at least "
                    + "\(WARDEN_SIGNAL_QUERY_V1_SIZE) bytes; rebuild the host against warden_backend.h 1.x")
        }
        let q = loadVersioned(warden_signal_query_t.self, from: raw, stride: size)
        var scope: BanScope?
        if q.scope != 0 {
            guard let known = BanScope(rawValue: q.scope) else {
                throw BackendError(.invalid, "read_signals: scope \(q.scope) is unknown; pass 0, WARDEN_SCOPE_IP or WARDEN_SCOPE_RANGE")
            }
            scope = known
        }
        var match: RangeMatch?
        if q.range_match != WARDEN_RANGE_ANY {
            guard let known = RangeMatch(rawValue: q.range_match) else {
                throw BackendError(
                    .invalid, "read_signals: range_match \(q.range_match) is unknown; pass WARDEN_RANGE_ANY, "
                        + "WARDEN_RANGE_CONTAINS or WARDEN_RANGE_WITHIN")
            }
            match = known
        }
        self.init(
            signalID: q.signal_id > 0 ? q.signal_id : nil, banID: q.ban_id > 0 ? q.ban_id : nil, scope: scope, target: q.target.len > 0 ? String(q.target) : nil,
            rangeMatch: match, rangeStart: UInt128(networkBytes: q.range_start),
            rangeEnd: UInt128(networkBytes: q.range_end), origin: q.origin.len > 0 ? String(q.origin) : nil,
            action: q.action.len > 0 ? String(q.action) : nil, scenario: q.scenario.len > 0 ? String(q.scenario) : nil,
            sinceNs: q.since_ns, untilNs: q.until_ns, activeOnly: q.active_only != 0, nowNs: q.now_ns,
            limit: q.limit > 0 ? Int(clamping: q.limit) : nil)
    }
}

extension HistoryQuery {
    /// Reads the host's query into this SDK's layout.
    /// - Throws: ``BackendError`` `.invalid` for NULL or a reversed range, `.abi` when too small.
    init(checking raw: UnsafePointer<warden_target_query_t>?) throws(BackendError) {
        guard let raw else { throw BackendError(.invalid, "target_history: the query is NULL; the host must pass one") }
        let size = Int(raw.pointee.struct_size)
        guard size >= WARDEN_TARGET_QUERY_V1_SIZE else {
            throw BackendError(
                .abi, "target_history: the host sent a query of \(size) bytes; version 1 queries are at least "
                    + "\(WARDEN_TARGET_QUERY_V1_SIZE) bytes; rebuild the host against warden_backend.h 1.x")
        }
        let q = loadVersioned(warden_target_query_t.self, from: raw, stride: size)
        self.init(rangeStart: UInt128(networkBytes: q.range_start), rangeEnd: UInt128(networkBytes: q.range_end),
                  sinceNs: q.since_ns, nowNs: q.now_ns)
        guard rangeStart <= rangeEnd else {
            throw BackendError(.invalid, "target_history: range_start is above range_end; pass the first address, then the last")
        }
    }
}

extension HistoryCounts {
    /// Writes the members that lie within the host's `struct_size`.
    /// - Throws: ``BackendError`` `.invalid` for NULL, `.abi` when the host's struct is too small.
    func write(to out: UnsafeMutablePointer<warden_target_history_t>?) throws(BackendError) {
        guard let out else { throw BackendError(.invalid, "target_history: out is NULL; the host must pass one") }
        let size = Int(out.pointee.struct_size)
        guard size >= WARDEN_TARGET_HISTORY_V1_SIZE else {
            throw BackendError(
                .abi, "target_history: the host's answer struct is \(size) bytes; version 1 answers are at least "
                    + "\(WARDEN_TARGET_HISTORY_V1_SIZE) bytes; rebuild the host against warden_backend.h 1.x")
        }
        // Every member this SDK knows is a version 1 member, within the size just checked.
        out.pointee.ban_count = banCount
        out.pointee.active_count = activeCount
        out.pointee.active_until_ns = activeUntilNs
    }
}
