import Synchronization

/// What many decisions share: their origin, type and scenario, and the JSON a bouncer
/// is sent for them, rendered once. A blocklist of a million decisions carries a handful
/// of these, so each decision holds one reference instead of three strings and its own
/// rendering (see ``DecisionKind/interned(origin:type:scenario:)``).
final class DecisionKind: Sendable {
    let origin: String
    let type: String
    let scenario: String
    /// `,"origin":…,"scenario":…,"scope":"Ip","type":…,"value":` and its `Range` twin:
    /// every byte between a decision's id and its value.
    private let middleIP: [UInt8]
    private let middleRange: [UInt8]

    private init(origin: String, type: String, scenario: String) {
        self.origin = origin
        self.type = type
        self.scenario = scenario
        middleIP = Self.middle(origin: origin, scenario: scenario, scope: "Ip", type: type)
        middleRange = Self.middle(origin: origin, scenario: scenario, scope: "Range", type: type)
    }

    /// The JSON between the id and the value for a decision of this kind on a target of `scope`.
    func middle(isRange: Bool) -> [UInt8] { isRange ? middleRange : middleIP }

    private static func middle(origin: String, scenario: String, scope: String, type: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for (key, text) in [("origin", origin), ("scenario", scenario), ("scope", scope), ("type", type)] {
            bytes.append(contentsOf: ",\"\(key)\":".utf8)
            JSONText.appendString(text, to: &bytes)
        }
        bytes.append(contentsOf: ",\"value\":".utf8)
        return bytes
    }

    private struct Key: Hashable {
        var origin: String
        var type: String
        var scenario: String
    }

    /// The kinds made so far, shared by every index in the process.
    private static let pool = Mutex<[Key: DecisionKind]>([:])
    /// Past this many kinds (scenarios are the agents' text), new ones are not kept in
    /// the pool: each decision then holds its own, as correct and only larger.
    static let poolLimit = 4096

    /// The shared kind for these texts.
    static func interned(origin: String, type: String, scenario: String) -> DecisionKind {
        let key = Key(origin: origin, type: type, scenario: scenario)
        if let kind = pool.withLock({ $0[key] }) { return kind }
        let kind = DecisionKind(origin: origin, type: type, scenario: scenario)
        return pool.withLock { pool in
            if let held = pool[key] { return held }
            if pool.count < poolLimit { pool[key] = kind }
            return kind
        }
    }
}
