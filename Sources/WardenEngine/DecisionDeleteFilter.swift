import WardenModel
import WardenStore

/// The query parameters of `DELETE /v1/decisions`, as CrowdSec 1.4.6 reads them
/// (`SoftDeleteDecisionsWithFilter`): `ip`/`range` (with `contains`, true by default:
/// the decisions that contain it, so deleting an address also deletes the ranges around
/// it), `scopes` (sic), `value`, `type`, `scenario`, `origin`. Only live decisions are
/// ended. An unknown parameter or a bad value is LAPI's 500 with its message.
public enum DecisionDeleteFilter {
    /// The store query, or nil when no decision can match (a scope or value Warden never
    /// stores, such as `Username`).
    public static func parse(_ items: [(String, String)]) throws(EngineError) -> SignalQuery? {
        var query = SignalQuery(activeOnly: true)
        var contains = true
        var target: BanTarget?
        var impossible = false
        var seen: Set<String> = []
        for (name, value) in items where seen.insert(name).inserted {
            switch name {
            case "contains":
                guard let flag = AlertFilter.goBool(value) else {
                    throw AlertFilter.failure("invalid contains value : \(AlertFilter.parseBoolError(value)): invalid filter")
                }
                contains = flag
            case "scopes":
                switch value {
                case "Ip": query.scope = .ip
                case "Range": query.scope = .range
                default: impossible = true
                }
            case "value":
                if let exact = try? AlertSignal.target(value) { query.target = exact } else { impossible = true }
            case "origin": query.origin = value
            case "type": query.action = value
            case "scenario": query.scenario = value
            case "ip", "range": target = try AlertFilter.address(value)
            default: throw AlertFilter.failure("'\(name)' doesn't exist: invalid filter")
            }
        }
        if let target {
            if contains { query.containing = target } else { query.within = target }
        }
        return impossible ? nil : query
    }
}
