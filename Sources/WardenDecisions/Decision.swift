import WardenModel

/// One decision as a bouncer sees it: what CrowdSec's Local API sends in
/// `GET /v1/decisions` and in the stream's `new` and `deleted` lists.
///
/// Immutable: its target is parsed once, and its JSON (all but `duration`,
/// which depends on the time of the answer) is rendered once, when it is made.
public struct Decision: Sendable, Equatable {
    /// The backend's row id of the ban.
    public let id: Int64
    /// The LAPI origin (`cscli`, `crowdsec`, `CAPI`...), see ``DecisionOrigin``.
    public let origin: String
    /// The ban's action: `ban`, `captcha`, `slow`...
    public let type: String
    /// `Ip` or `Range`.
    public var scope: String { target.scopeName }
    /// The canonical text of the target: `192.0.2.1`, `2001:db8::/32`.
    public let value: String
    public let scenario: String
    /// When it ends, ns since the epoch. For a decision that was removed early,
    /// the time it was removed (what CrowdSec's soft delete writes).
    public let untilNs: Int64
    public let createdNs: Int64
    /// The parsed target, for containment lookups.
    public let target: BanTarget
    /// `","id":…,"origin":…,…,"value":…}`: every JSON byte after the duration's text.
    let wireTail: [UInt8]

    public init(
        id: Int64, origin: String, type: String, target: BanTarget, scenario: String, untilNs: Int64, createdNs: Int64
    ) {
        self.id = id
        self.origin = origin
        self.type = type
        self.target = target
        self.value = target.description
        self.scenario = scenario
        self.untilNs = untilNs
        self.createdNs = createdNs
        self.wireTail = DecisionJSON.tail(
            id: id, origin: origin, scenario: scenario, scope: target.scopeName, type: type, value: value)
    }

    /// The decision for a ban read from a backend, its origin named as LAPI names it.
    /// - Throws: ``InputError`` when the backend's target text is neither an address nor a block.
    public init(_ ban: Ban) throws(InputError) {
        guard let target = BanTarget(storedText: ban.target) else {
            throw InputError(
                "ban \(ban.id) from backend '\(ban.backend)' cannot be served: its target '\(ban.target)' "
                    + "is not an address or a CIDR block; remove that row from the backend's storage")
        }
        self.init(
            id: ban.id, origin: DecisionOrigin.lapiName(forWardenOrigin: ban.origin), type: ban.action,
            target: target, scenario: ban.scenario, untilNs: ban.untilNs, createdNs: ban.createdNs)
    }

    /// The same decision ending at `ns` (when it was removed before its time).
    func ending(at ns: Int64) -> Decision {
        Decision(
            id: id, origin: origin, type: type, target: target, value: value, scenario: scenario, untilNs: ns,
            createdNs: createdNs, wireTail: wireTail)
    }

    private init(
        id: Int64, origin: String, type: String, target: BanTarget, value: String, scenario: String, untilNs: Int64,
        createdNs: Int64, wireTail: [UInt8]
    ) {
        self.id = id
        self.origin = origin
        self.type = type
        self.target = target
        self.value = value
        self.scenario = scenario
        self.untilNs = untilNs
        self.createdNs = createdNs
        self.wireTail = wireTail
    }
}

extension Decision: CustomStringConvertible {
    /// `#42 Range 2001:db8::/32 ban crowdsec until 1795435200000000000 (crowdsecurity/ssh-bf)`, for logs and test failures.
    public var description: String {
        "#\(id) \(scope) \(value) \(type) \(origin) until \(untilNs) (\(scenario))"
    }
}
