/// Which kind of target a ban covers.
public enum BanScope: UInt32, Sendable {
    /// One address.
    case ip = 1
    /// A CIDR block.
    case range = 2

    /// The legacy text of the scope (`Ip`, `Range`).
    public var name: String { self == .ip ? "Ip" : "Range" }
}

/// One ban carried by a signal, as the host passes it to ``BanBackend/insert(_:)``.
public struct SignalBan: Sendable, Equatable {
    public var scope: BanScope
    /// Canonical text of the target, the key of "one live ban per target".
    public var target: String
    /// First and last address covered, as IPv6 (IPv4 mapped to `::ffff:0:0/96`).
    public var rangeStart: UInt128
    public var rangeEnd: UInt128
    /// Who decided (`cli`, `local`, `api`).
    public var origin: String
    /// The remediation (`ban`, `slow`, `captcha`).
    public var action: String
    public var reason: String
    public var scenario: String
    public var country: String
    public var asName: String
    public var asNumber: Int64
    /// The ban is active while now < untilNs (ns since the epoch).
    public var untilNs: Int64

    public init(
        scope: BanScope, target: String, rangeStart: UInt128, rangeEnd: UInt128, origin: String,
        action: String, reason: String, scenario: String, country: String = "", asName: String = "",
        asNumber: Int64 = 0, untilNs: Int64
    ) {
        self.scope = scope
        self.target = target
        self.rangeStart = rangeStart
        self.rangeEnd = rangeEnd
        self.origin = origin
        self.action = action
        self.reason = reason
        self.scenario = scenario
        self.country = country
        self.asName = asName
        self.asNumber = asNumber
        self.untilNs = untilNs
    }
}

/// One event of a signal.
public struct SignalEvent: Sendable, Equatable {
    public var timeNs: Int64
    public var source: String
    /// The event's metadata as JSON text.
    public var serialized: String

    public init(timeNs: Int64, source: String, serialized: String) {
        self.timeNs = timeNs
        self.source = source
        self.serialized = serialized
    }
}

/// A signal occurrence: a scenario overflow or a manual decision, with its bans.
public struct Signal: Sendable, Equatable {
    public var scenario: String
    public var message: String
    public var source: String
    public var eventsCount: Int64
    public var startNs: Int64
    public var stopNs: Int64
    /// When the host recorded it (host clock).
    public var createdNs: Int64
    public var simulated: Bool
    public var bans: [SignalBan]
    public var events: [SignalEvent]
    public var labels: [String: String]

    public init(
        scenario: String, message: String, source: String, eventsCount: Int64, startNs: Int64,
        stopNs: Int64, createdNs: Int64, simulated: Bool = false, bans: [SignalBan],
        events: [SignalEvent] = [], labels: [String: String] = [:]
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

/// One active ban, as a backend returns it from ``BanBackend/read(at:into:)``.
public struct BanRow: Sendable, Equatable {
    /// Stable id, > 0, unique within the store.
    public var id: Int64
    public var scope: BanScope
    public var target: String
    public var origin: String
    public var action: String
    public var reason: String
    public var scenario: String
    public var country: String
    public var asName: String
    public var asNumber: Int64
    public var untilNs: Int64
    public var createdNs: Int64
    /// Bans ever stored for this target, history included.
    public var banCount: Int64
    /// Sum of the events of those bans' signals.
    public var eventsCount: Int64

    public init(
        id: Int64, scope: BanScope, target: String, origin: String, action: String, reason: String,
        scenario: String, country: String, asName: String, asNumber: Int64, untilNs: Int64,
        createdNs: Int64, banCount: Int64, eventsCount: Int64
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
    }
}
