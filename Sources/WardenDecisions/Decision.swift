import WardenModel

/// One decision as a bouncer sees it: what CrowdSec's Local API sends in
/// `GET /v1/decisions` and in the stream's `new` and `deleted` lists.
///
/// Immutable, and one reference wide: its fields live in a shared storage
/// object, so the index, the change log and every answer hold copies for the
/// price of a retain. Its target is parsed once, and its JSON (all but
/// `duration`, which depends on the time of the answer) is rendered once.
public struct Decision: Sendable, Equatable {
    private final class Storage: Sendable {
        let id: Int64
        let origin: String
        let type: String
        let value: String
        let scenario: String
        let untilNs: Int64
        let createdNs: Int64
        let target: BanTarget
        let wireTail: [UInt8]

        init(
            id: Int64, origin: String, type: String, value: String, scenario: String, untilNs: Int64,
            createdNs: Int64, target: BanTarget, wireTail: [UInt8]
        ) {
            self.id = id
            self.origin = origin
            self.type = type
            self.value = value
            self.scenario = scenario
            self.untilNs = untilNs
            self.createdNs = createdNs
            self.target = target
            self.wireTail = wireTail
        }
    }

    private let storage: Storage

    /// The backend's row id of the ban.
    public var id: Int64 { storage.id }
    /// The LAPI origin (`cscli`, `crowdsec`, `CAPI`...), see ``DecisionOrigin``.
    public var origin: String { storage.origin }
    /// The ban's action: `ban`, `captcha`, `slow`...
    public var type: String { storage.type }
    /// `Ip` or `Range`.
    public var scope: String { storage.target.scopeName }
    /// The canonical text of the target: `192.0.2.1`, `2001:db8::/32`.
    public var value: String { storage.value }
    public var scenario: String { storage.scenario }
    /// When it ends, ns since the epoch. For a decision removed before its time, the
    /// time it was removed (what CrowdSec's soft delete writes).
    public var untilNs: Int64 { storage.untilNs }
    public var createdNs: Int64 { storage.createdNs }
    /// The parsed target, for containment lookups.
    public var target: BanTarget { storage.target }
    /// `","id":…,"origin":…,…,"value":…}`: every JSON byte after the duration's text.
    var wireTail: [UInt8] { storage.wireTail }

    public init(
        id: Int64, origin: String, type: String, target: BanTarget, scenario: String, untilNs: Int64, createdNs: Int64
    ) {
        let value = target.description
        storage = Storage(
            id: id, origin: origin, type: type, value: value, scenario: scenario, untilNs: untilNs,
            createdNs: createdNs, target: target,
            wireTail: DecisionJSON.tail(
                id: id, origin: origin, scenario: scenario, scope: target.scopeName, type: type, value: value))
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

    private init(storage: Storage) {
        self.storage = storage
    }

    /// The same decision ending at `ns` (when it was removed before its time).
    func ending(at ns: Int64) -> Decision {
        let s = storage
        return Decision(
            storage: Storage(
                id: s.id, origin: s.origin, type: s.type, value: s.value, scenario: s.scenario, untilNs: ns,
                createdNs: s.createdNs, target: s.target, wireTail: s.wireTail))
    }

    public static func == (a: Decision, b: Decision) -> Bool {
        a.storage === b.storage
            || (a.id == b.id && a.untilNs == b.untilNs && a.createdNs == b.createdNs && a.target == b.target
                && a.origin == b.origin && a.type == b.type && a.scenario == b.scenario)
    }
}

extension Decision: CustomStringConvertible {
    /// `#42 Range 2001:db8::/32 ban crowdsec until 1795435200000000000 (crowdsecurity/ssh-bf)`, for logs and test failures.
    public var description: String {
        "#\(id) \(scope) \(value) \(type) \(origin) until \(untilNs) (\(scenario))"
    }
}
