/// Which stored signals to read back (`warden.history/1`, `read_signals`): the filters
/// of CrowdSec's `GET /v1/alerts` that a backend can answer with indexed queries.
/// Every field is optional; all that are set must hold. The ban filters (`scope`,
/// `target`, `containing`, `within`, `origin`, `action`) select a signal when one of
/// its bans meets all of them at once.
public struct SignalQuery: Sendable, Equatable {
    /// This signal only (an id of the backend that is asked).
    public var id: Int64?
    /// Only the signal that holds this ban (an id of the backend that is asked).
    public var banID: Int64?
    /// Bans of this scope.
    public var scope: BanScopeFilter?
    /// Bans of exactly this target (CrowdSec's `value`).
    public var target: BanTarget?
    /// Bans that contain this address or block (CrowdSec's `ip`/`range` with `contains=true`).
    public var containing: BanTarget?
    /// Bans that lie within this block (CrowdSec's `ip`/`range` with `contains=false`).
    public var within: BanTarget?
    /// Bans of this origin, exactly.
    public var origin: String?
    /// Bans of this action (CrowdSec's decision `type`), exactly.
    public var action: String?
    /// Signals of this scenario, exactly.
    public var scenario: String?
    /// Signals created after this time (ns, exclusive).
    public var createdAfter: Int64?
    /// Signals created before this time (ns, exclusive).
    public var createdBefore: Int64?
    /// Only signals with a ban live now (CrowdSec's `has_active_decision=true`).
    public var activeOnly: Bool
    /// At most this many signals, the newest first.
    public var limit: Int?

    /// The scopes a ban filter can name.
    public enum BanScopeFilter: Sendable, Equatable {
        case ip, range
    }

    public init(
        id: Int64? = nil, banID: Int64? = nil, scope: BanScopeFilter? = nil, target: BanTarget? = nil, containing: BanTarget? = nil,
        within: BanTarget? = nil, origin: String? = nil, action: String? = nil, scenario: String? = nil,
        createdAfter: Int64? = nil, createdBefore: Int64? = nil, activeOnly: Bool = false, limit: Int? = nil
    ) {
        self.id = id
        self.banID = banID
        self.scope = scope
        self.target = target
        self.containing = containing
        self.within = within
        self.origin = origin
        self.action = action
        self.scenario = scenario
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.activeOnly = activeOnly
        self.limit = limit
    }
}

extension SignalQuery {
    /// Whether `ban` meets every ban filter (the host's own check, for deletes by filter).
    public func banMatches(_ ban: SignalRecord.RecordedBan) -> Bool {
        if let scope, (scope == .range) != (ban.scope == "Range") { return false }
        if let target, ban.target != target.description { return false }
        if let origin, ban.origin != origin { return false }
        if let action, ban.action != action { return false }
        if containing != nil || within != nil {
            guard let banTarget = BanTarget(storedText: ban.target) else { return false }
            if let containing, !banTarget.covers(containing) { return false }
            if let within, !within.covers(banTarget) { return false }
        }
        return true
    }
}

/// What a store remembers of the bans that contain one address or block
/// (`warden.history/1`, `target_history`): what CrowdSec's profile helpers
/// `GetDecisionsCount`, `GetDecisionsSinceCount`, `GetActiveDecisionsCount` and
/// `GetActiveDecisionsTimeLeft` answer.
public struct TargetHistory: Sendable, Equatable {
    /// Bans stored that contain the target (created after the time asked about, if
    /// any), history included; purged ones and those of deleted signals not.
    public var banCount: Int64
    /// Bans that contain the target and are live now.
    public var activeCount: Int64
    /// The latest until of those live bans; nil when there is none.
    public var activeUntilNs: Int64?

    public init(banCount: Int64, activeCount: Int64, activeUntilNs: Int64?) {
        self.banCount = banCount
        self.activeCount = activeCount
        self.activeUntilNs = activeUntilNs
    }

    /// How long the longest live ban still runs at `now` (ns); 0 when none is live.
    public func timeLeftNs(now: Int64) -> Int64 {
        activeUntilNs.map { max(0, $0 - now) } ?? 0
    }
}
