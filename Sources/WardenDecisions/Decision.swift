import WardenModel

/// One decision as a bouncer sees it: what CrowdSec's Local API sends in
/// `GET /v1/decisions` and in the stream's `new` and `deleted` lists.
///
/// Immutable, and one reference wide: its fields live in a shared storage
/// object, so the index, the change log and every answer hold copies for the
/// price of a retain. Its target is parsed once; its origin, type and scenario,
/// with their JSON, are a ``DecisionKind`` shared with every decision alike.
public struct Decision: Sendable, Equatable {
    /// 59 bytes: its target as two words and three bytes, not a ``BanTarget`` (16-byte
    /// aligned, with its text beside it), so a million decisions take 80 MB, not 112.
    private final class Storage: Sendable {
        let id: Int64
        let kind: DecisionKind
        let untilNs: Int64
        let high: UInt64
        let low: UInt64
        let prefixLength: UInt8
        let isRange: Bool
        let isIPv4: Bool

        init(id: Int64, kind: DecisionKind, untilNs: Int64, target: BanTarget) {
            self.id = id
            self.kind = kind
            self.untilNs = untilNs
            let (network, prefixLength): (IPAddress, Int) =
                switch target {
                case .ip(let address): (address, address.width)
                case .range(let network, let prefixLength): (network, prefixLength)
                }
            high = UInt64(truncatingIfNeeded: network.bits >> 64)
            low = UInt64(truncatingIfNeeded: network.bits)
            self.prefixLength = UInt8(prefixLength)
            isRange = target.isRange
            isIPv4 = network.isIPv4
        }

        init(_ other: Storage, untilNs: Int64) {
            id = other.id
            kind = other.kind
            self.untilNs = untilNs
            high = other.high
            low = other.low
            prefixLength = other.prefixLength
            isRange = other.isRange
            isIPv4 = other.isIPv4
        }

        var target: BanTarget {
            let address = IPAddress(bits: UInt128(high) << 64 | UInt128(low), isIPv4: isIPv4)
            return isRange ? .range(network: address, prefixLength: Int(prefixLength)) : .ip(address)
        }

        func sameTarget(as other: Storage) -> Bool {
            high == other.high && low == other.low && prefixLength == other.prefixLength && isRange == other.isRange
                && isIPv4 == other.isIPv4
        }
    }

    private let storage: Storage

    /// The backend's row id of the ban.
    public var id: Int64 { storage.id }
    /// The LAPI origin (`cscli`, `crowdsec`, `CAPI`...), see ``DecisionOrigin``.
    public var origin: String { storage.kind.origin }
    /// The ban's action: `ban`, `captcha`, `slow`...
    public var type: String { storage.kind.type }
    /// `Ip` or `Range`.
    public var scope: String { storage.isRange ? "Range" : "Ip" }
    /// The canonical text of the target: `192.0.2.1`, `2001:db8::/32` (made on each call).
    public var value: String { storage.target.description }
    public var scenario: String { storage.kind.scenario }
    /// When it ends, ns since the epoch. For a decision removed before its time, the
    /// time it was removed (what CrowdSec's soft delete writes).
    public var untilNs: Int64 { storage.untilNs }
    /// The parsed target, for containment lookups.
    public var target: BanTarget { storage.target }
    /// `,"origin":…,"value":`: the JSON between its id and its value (see ``DecisionJSON``).
    var wireMiddle: [UInt8] { storage.kind.middle(isRange: storage.isRange) }

    public init(id: Int64, origin: String, type: String, target: BanTarget, scenario: String, untilNs: Int64) {
        storage = Storage(
            id: id, kind: DecisionKind.interned(origin: origin, type: type, scenario: scenario), untilNs: untilNs,
            target: target)
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
            target: target, scenario: ban.scenario, untilNs: ban.untilNs)
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// The same decision ending at `ns` (when it was removed before its time).
    func ending(at ns: Int64) -> Decision {
        Decision(storage: Storage(storage, untilNs: ns))
    }

    public static func == (a: Decision, b: Decision) -> Bool {
        a.storage === b.storage
            || (a.id == b.id && a.untilNs == b.untilNs && a.storage.sameTarget(as: b.storage)
                && (a.storage.kind === b.storage.kind
                    || (a.origin == b.origin && a.type == b.type && a.scenario == b.scenario)))
    }
}

extension Decision: CustomStringConvertible {
    /// `#42 Range 2001:db8::/32 ban crowdsec until 1795435200000000000 (crowdsecurity/ssh-bf)`, for logs and test failures.
    public var description: String {
        "#\(id) \(scope) \(value) \(type) \(origin) until \(untilNs) (\(scenario))"
    }
}
