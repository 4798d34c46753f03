/// One signal read back from a backend (`warden.history/1`): what was inserted,
/// with the id the backend gave it and each of its bans.
public struct SignalRecord: Sendable, Equatable {
    /// One ban of the signal, with the backend's id and when it ended.
    public struct RecordedBan: Sendable, Equatable {
        public var id: Int64
        /// `Ip` or `Range`.
        public var scope: String
        public var target: String
        public var origin: String
        public var action: String
        public var reason: String
        public var scenario: String
        public var country: String
        public var asName: String
        public var asNumber: Int64
        public var untilNs: Int64
        /// When it ended (deleted, replaced, swept, delete_all); nil while it has not.
        public var endedNs: Int64?

        public init(
            id: Int64, scope: String, target: String, origin: String, action: String, reason: String,
            scenario: String, country: String, asName: String, asNumber: Int64, untilNs: Int64, endedNs: Int64?
        ) {
            self.id = id
            self.scope = scope
            self.target = target
            self.origin = origin
            self.action = action
            self.reason = reason
            self.scenario = scenario
            self.country = country
            self.asName = asName
            self.asNumber = asNumber
            self.untilNs = untilNs
            self.endedNs = endedNs
        }

        /// Whether the ban is live at `now`: not ended and not past its until.
        public func isLive(at now: Int64) -> Bool {
            endedNs == nil && now < untilNs
        }

        /// When it stops applying: its until, or its end when that came first
        /// (CrowdSec's soft delete sets a decision's until to the delete time).
        public var effectiveUntilNs: Int64 {
            endedNs.map { min($0, untilNs) } ?? untilNs
        }
    }

    /// The signal's id in ``backend``: the id of its first ban.
    public var id: Int64
    public var scenario: String
    public var message: String
    public var source: String
    public var eventsCount: Int64
    public var startNs: Int64
    public var stopNs: Int64
    public var createdNs: Int64
    public var simulated: Bool
    /// Every ban of the signal, in insertion order.
    public var bans: [RecordedBan]
    public var events: [SignalOrder.Event]
    public var labels: [String: String]
    /// The backend that returned it (ids are that backend's).
    public var backend: String

    public init(
        id: Int64, scenario: String, message: String, source: String, eventsCount: Int64, startNs: Int64,
        stopNs: Int64, createdNs: Int64, simulated: Bool, bans: [RecordedBan], events: [SignalOrder.Event],
        labels: [String: String], backend: String
    ) {
        self.id = id
        self.scenario = scenario
        self.message = message
        self.source = source
        self.eventsCount = eventsCount
        self.startNs = startNs
        self.stopNs = stopNs
        self.createdNs = createdNs
        self.simulated = simulated
        self.bans = bans
        self.events = events
        self.labels = labels
        self.backend = backend
    }

    /// What identifies the same signal in every backend it was inserted into
    /// (ids differ from one backend to the next): its creation, scenario, source
    /// and the targets of its bans.
    public var replicaKey: ReplicaKey {
        ReplicaKey(createdNs: createdNs, scenario: scenario, source: source, targets: bans.map(\.target))
    }

    /// See ``SignalRecord/replicaKey``.
    public struct ReplicaKey: Hashable, Sendable {
        public var createdNs: Int64
        public var scenario: String
        public var source: String
        public var targets: [String]
    }
}
