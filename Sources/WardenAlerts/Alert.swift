/// One alert as CrowdSec's agents and `cscli` push it to `POST /v1/alerts`, field for
/// field from CrowdSec 1.4.6's `models.Alert` (generated from its swagger spec).
///
/// Fields the spec marks required are optionals here, as they are pointers in Go, so
/// ``AlertValidation`` can tell "absent or null" from "empty" and answer with LAPI's
/// exact message. Fields Go declares `omitempty` without a pointer default to their zero
/// value when absent, as Go decodes them. Encoding mirrors Go's: keys sorted (Go writes
/// struct fields in declaration order, which is alphabetical here), a missing pointer
/// field written as `null`, an empty `omitempty` field left out.
public struct Alert: Sendable, Equatable, Codable {
    /// `capacity`: the bucket's capacity (0 for `cscli`).
    public var capacity: Int32?
    /// `created_at`: set by the server when read back; ignored on POST.
    public var createdAt: String
    /// `decisions`: `null` from agents (profiles decide); given by `cscli decisions add/import`.
    public var decisions: [AlertDecision]?
    /// `events`: the events that made the bucket overflow (`[]` from `cscli`).
    public var events: [AlertEvent]?
    /// `events_count`: how many events the bucket saw.
    public var eventsCount: Int32?
    /// `id`: set by the server when read back; ignored on POST.
    public var id: Int64
    /// `labels`: the scenario's labels, usually `null`.
    public var labels: [String]?
    /// `leakspeed`: the bucket's leak speed as a Go duration (`"10s"`, `"0"`, `""`).
    public var leakspeed: String?
    /// `machine_id`: set by the server from the JWT; ignored on POST.
    public var machineID: String
    /// `message`: a human-readable sentence about the alert.
    public var message: String?
    /// `meta`: key/value pairs about the alert itself (not its events).
    public var meta: [MetaItem]
    /// `remediation`: whether the scenario asks for a remediation (profiles read it).
    public var remediation: Bool
    /// `scenario`: the scenario's name, e.g. `crowdsecurity/ssh-bf`.
    public var scenario: String?
    /// `scenario_hash`: SHA-256 of the scenario file (`""` from `cscli`).
    public var scenarioHash: String?
    /// `scenario_version`: the scenario's version (`""` from `cscli`).
    public var scenarioVersion: String?
    /// `simulated`: whether the scenario runs in simulation mode.
    public var simulated: Bool?
    /// `source`: who the alert is about.
    public var source: AlertSource?
    /// `start_at`: first event, RFC 3339.
    public var startAt: String?
    /// `stop_at`: overflow, RFC 3339.
    public var stopAt: String?

    public init(
        capacity: Int32? = nil, createdAt: String = "", decisions: [AlertDecision]? = nil, events: [AlertEvent]? = nil,
        eventsCount: Int32? = nil, id: Int64 = 0, labels: [String]? = nil, leakspeed: String? = nil,
        machineID: String = "", message: String? = nil, meta: [MetaItem] = [], remediation: Bool = false,
        scenario: String? = nil, scenarioHash: String? = nil, scenarioVersion: String? = nil, simulated: Bool? = nil,
        source: AlertSource? = nil, startAt: String? = nil, stopAt: String? = nil
    ) {
        self.capacity = capacity
        self.createdAt = createdAt
        self.decisions = decisions
        self.events = events
        self.eventsCount = eventsCount
        self.id = id
        self.labels = labels
        self.leakspeed = leakspeed
        self.machineID = machineID
        self.message = message
        self.meta = meta
        self.remediation = remediation
        self.scenario = scenario
        self.scenarioHash = scenarioHash
        self.scenarioVersion = scenarioVersion
        self.simulated = simulated
        self.source = source
        self.startAt = startAt
        self.stopAt = stopAt
    }

    enum CodingKeys: String, CodingKey {
        case capacity, decisions, events, id, labels, leakspeed, message, meta, remediation, scenario, simulated, source
        case createdAt = "created_at"
        case eventsCount = "events_count"
        case machineID = "machine_id"
        case scenarioHash = "scenario_hash"
        case scenarioVersion = "scenario_version"
        case startAt = "start_at"
        case stopAt = "stop_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        capacity = try c.decodeIfPresent(Int32.self, forKey: .capacity)
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt) ?? ""
        decisions = try c.decodeIfPresent([AlertDecision].self, forKey: .decisions)
        events = try c.decodeIfPresent([AlertEvent].self, forKey: .events)
        eventsCount = try c.decodeIfPresent(Int32.self, forKey: .eventsCount)
        id = try c.decodeIfPresent(Int64.self, forKey: .id) ?? 0
        labels = try c.decodeIfPresent([String].self, forKey: .labels)
        leakspeed = try c.decodeIfPresent(String.self, forKey: .leakspeed)
        machineID = try c.decodeIfPresent(String.self, forKey: .machineID) ?? ""
        message = try c.decodeIfPresent(String.self, forKey: .message)
        meta = try c.decodeIfPresent([MetaItem].self, forKey: .meta) ?? []
        remediation = try c.decodeIfPresent(Bool.self, forKey: .remediation) ?? false
        scenario = try c.decodeIfPresent(String.self, forKey: .scenario)
        scenarioHash = try c.decodeIfPresent(String.self, forKey: .scenarioHash)
        scenarioVersion = try c.decodeIfPresent(String.self, forKey: .scenarioVersion)
        simulated = try c.decodeIfPresent(Bool.self, forKey: .simulated)
        source = try c.decodeIfPresent(AlertSource.self, forKey: .source)
        startAt = try c.decodeIfPresent(String.self, forKey: .startAt)
        stopAt = try c.decodeIfPresent(String.self, forKey: .stopAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeOrNull(capacity, forKey: .capacity)
        if !createdAt.isEmpty { try c.encode(createdAt, forKey: .createdAt) }
        try c.encodeOrNull(decisions, forKey: .decisions)
        try c.encodeOrNull(events, forKey: .events)
        try c.encodeOrNull(eventsCount, forKey: .eventsCount)
        if id != 0 { try c.encode(id, forKey: .id) }
        try c.encodeOrNull(labels, forKey: .labels)
        try c.encodeOrNull(leakspeed, forKey: .leakspeed)
        if !machineID.isEmpty { try c.encode(machineID, forKey: .machineID) }
        try c.encodeOrNull(message, forKey: .message)
        if !meta.isEmpty { try c.encode(meta, forKey: .meta) }
        if remediation { try c.encode(remediation, forKey: .remediation) }
        try c.encodeOrNull(scenario, forKey: .scenario)
        try c.encodeOrNull(scenarioHash, forKey: .scenarioHash)
        try c.encodeOrNull(scenarioVersion, forKey: .scenarioVersion)
        try c.encodeOrNull(simulated, forKey: .simulated)
        try c.encodeOrNull(source, forKey: .source)
        try c.encodeOrNull(startAt, forKey: .startAt)
        try c.encodeOrNull(stopAt, forKey: .stopAt)
    }
}

extension KeyedEncodingContainer {
    /// Go writes a nil pointer field without `omitempty` as `null`.
    mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
