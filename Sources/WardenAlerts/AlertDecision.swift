/// A decision carried by an alert (`models.Decision` in CrowdSec 1.4.6): given by
/// `cscli decisions add/import`, made by profiles otherwise, and read back by
/// `GET /v1/alerts`. Named apart from the decision index's `Decision`, which is what
/// bouncers receive.
public struct AlertDecision: Sendable, Equatable, Codable {
    /// `duration`: a Go duration (`"4h"`), or the time left when read back. Required.
    public var duration: String?
    /// `id`: set by the server when read back; ignored on POST.
    public var id: Int64
    /// `origin`: `cscli`, `cscli-import`, `crowdsec`... Required.
    public var origin: String?
    /// `scenario`: why (the reason given to `cscli`). Required.
    public var scenario: String?
    /// `scope`: `Ip`, `Range`, or something custom. Required.
    public var scope: String?
    /// `simulated`: read-only on the server side; `cscli decisions import` sends `false`.
    public var simulated: Bool?
    /// `type`: `ban`, `captcha`, or something custom. Required.
    public var type: String?
    /// `until`: when the decision ends, when read back.
    public var until: String
    /// `value`: the IP, the range... Required.
    public var value: String?

    public init(
        duration: String? = nil, id: Int64 = 0, origin: String? = nil, scenario: String? = nil, scope: String? = nil,
        simulated: Bool? = nil, type: String? = nil, until: String = "", value: String? = nil
    ) {
        self.duration = duration
        self.id = id
        self.origin = origin
        self.scenario = scenario
        self.scope = scope
        self.simulated = simulated
        self.type = type
        self.until = until
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case duration, id, origin, scenario, scope, simulated, type, until, value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        duration = try c.decodeIfPresent(String.self, forKey: .duration)
        id = try c.decodeIfPresent(Int64.self, forKey: .id) ?? 0
        origin = try c.decodeIfPresent(String.self, forKey: .origin)
        scenario = try c.decodeIfPresent(String.self, forKey: .scenario)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        simulated = try c.decodeIfPresent(Bool.self, forKey: .simulated)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        until = try c.decodeIfPresent(String.self, forKey: .until) ?? ""
        value = try c.decodeIfPresent(String.self, forKey: .value)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeOrNull(duration, forKey: .duration)
        if id != 0 { try c.encode(id, forKey: .id) }
        try c.encodeOrNull(origin, forKey: .origin)
        try c.encodeOrNull(scenario, forKey: .scenario)
        try c.encodeOrNull(scope, forKey: .scope)
        if let simulated { try c.encode(simulated, forKey: .simulated) }
        try c.encodeOrNull(type, forKey: .type)
        if !until.isEmpty { try c.encode(until, forKey: .until) }
        try c.encodeOrNull(value, forKey: .value)
    }
}
