/// One active ban as read back from a backend.
public struct Ban: Sendable, Equatable {
    public var id: Int64
    /// `Ip` or `Range`.
    public var scope: String
    /// Canonical text of the banned address or block (legacy `iptext`).
    public var target: String
    /// Who decided: `cli`, `local`, `api` (legacy `source`).
    public var origin: String
    public var action: String
    public var reason: String
    public var scenario: String
    public var country: String
    public var asName: String
    public var asNumber: Int64
    public var untilNs: Int64
    public var createdNs: Int64
    public var banCount: Int64
    public var eventsCount: Int64
    /// The backend that returned it.
    public var backend: String

    public init(
        id: Int64, scope: String, target: String, origin: String, action: String, reason: String,
        scenario: String, country: String = "", asName: String = "", asNumber: Int64 = 0, untilNs: Int64,
        createdNs: Int64, banCount: Int64, eventsCount: Int64, backend: String
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
        self.createdNs = createdNs
        self.banCount = banCount
        self.eventsCount = eventsCount
        self.backend = backend
    }

    /// The legacy `as` text: "<number> <name>", or empty when unknown.
    public var asText: String {
        switch (asNumber, asName.isEmpty) {
        case (0, true): ""
        case (0, false): asName
        case (_, true): String(asNumber)
        default: "\(asNumber) \(asName)"
        }
    }
}

/// A ban to record, as the CLI or the daemon decides it.
public struct BanOrder: Sendable, Equatable {
    public var target: BanTarget
    public var untilNs: Int64
    public var reason: String
    public var scenario: String
    /// `ban`, `slow` or `captcha`.
    public var action: String
    /// `cli`, `local`, `api`.
    public var origin: String
    public var country: String
    public var asName: String
    public var asNumber: Int64

    public init(
        target: BanTarget, untilNs: Int64, reason: String, scenario: String, action: String, origin: String,
        country: String = "", asName: String = "", asNumber: Int64 = 0
    ) {
        self.target = target
        self.untilNs = untilNs
        self.reason = reason
        self.scenario = scenario
        self.action = action
        self.origin = origin
        self.country = country
        self.asName = asName
        self.asNumber = asNumber
    }
}

/// A signal to record: the decision, the bans it carries, and what made it.
public struct SignalOrder: Sendable, Equatable {
    /// One event of the signal (legacy `EventSequence`).
    public struct Event: Sendable, Equatable {
        public var timeNs: Int64
        /// The event's source address, or empty.
        public var source: String
        /// The event's metadata as JSON text, or empty.
        public var serialized: String

        public init(timeNs: Int64, source: String, serialized: String) {
            self.timeNs = timeNs
            self.source = source
            self.serialized = serialized
        }
    }

    public var scenario: String
    public var message: String
    public var source: String
    public var eventsCount: Int64
    public var startNs: Int64
    public var stopNs: Int64
    public var createdNs: Int64
    /// Whether the decision is only simulated: its bans are stored as history and never enforced.
    public var simulated: Bool
    public var bans: [BanOrder]
    public var events: [Event]
    /// Free labels of the scenario.
    public var labels: [String: String]

    public init(
        scenario: String, message: String, source: String, eventsCount: Int64, startNs: Int64, stopNs: Int64,
        createdNs: Int64, simulated: Bool = false, bans: [BanOrder], events: [Event] = [],
        labels: [String: String] = [:]
    ) {
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
    }
}
