/// Which decisions a bouncer asks for, as CrowdSec 1.4.6's Local API filters
/// them (`pkg/database/decisions.go`). Every field is optional; nil lets every
/// decision through.
public struct DecisionFilter: Sendable, Hashable {
    /// `ip=`/`range=` with `contains=`.
    public var address: AddressQuery?
    /// `scopes=`: the scope must be one of these (exact, after `ip`→`Ip`, `range`→`Range`...).
    public var scopes: [String]?
    /// `value=`: the exact value.
    public var value: String?
    /// `type=`: the exact type.
    public var type: String?
    /// `origins=`: the origin must be one of these (exact).
    public var origins: [String]?
    /// `scenarios_containing=`: the scenario must contain one of these (case-insensitive).
    public var scenariosContaining: [String]?
    /// `scenarios_not_containing=`: the scenario must contain none of these (case-insensitive).
    public var scenariosNotContaining: [String]?

    public init(
        address: AddressQuery? = nil, scopes: [String]? = nil, value: String? = nil, type: String? = nil,
        origins: [String]? = nil, scenariosContaining: [String]? = nil, scenariosNotContaining: [String]? = nil
    ) {
        self.address = address
        self.scopes = scopes
        self.value = value
        self.type = type
        self.origins = origins
        self.scenariosContaining = scenariosContaining
        self.scenariosNotContaining = scenariosNotContaining
    }

    /// Whether `decision` passes every filter (its time is the index's business).
    public func matches(_ decision: Decision) -> Bool {
        if let address, !address.selects(decision.target) { return false }
        if let scopes, !scopes.contains(decision.scope) { return false }
        if let value, decision.value != value { return false }
        if let type, decision.type != type { return false }
        if let origins, !origins.contains(decision.origin) { return false }
        if scenariosContaining != nil || scenariosNotContaining != nil {
            let scenario = decision.scenario.lowercased()
            if let needles = scenariosContaining, !needles.contains(where: { scenario.contains($0.lowercased()) }) {
                return false
            }
            if let needles = scenariosNotContaining, needles.contains(where: { scenario.contains($0.lowercased()) }) {
                return false
            }
        }
        return true
    }
}
