/// What the counting helpers of profile expressions ask the store. The host
/// implements it over the backends' history (an optional capability of the ABI);
/// calls are synchronous because expressions run synchronously, so an
/// implementation answers from memory or blocks only briefly.
public protocol DecisionHistory: Sendable {
    /// `GetDecisionsCount(value)`: every decision the store holds, expired ones included,
    /// whose target contains `value` (an address in a banned range counts).
    func decisionsCount(value: String) -> Int
    /// `GetDecisionsSinceCount(value, since)`: the same, limited to decisions created in
    /// the last `seconds`.
    func decisionsCount(value: String, since seconds: Int64) -> Int
    /// `GetActiveDecisionsCount(value)`: the decisions still in force for `value`.
    func activeDecisionsCount(value: String) -> Int
    /// `GetActiveDecisionsTimeLeft(value)`: seconds until the longest active decision for
    /// `value` ends, 0 when there is none.
    func activeDecisionsTimeLeft(value: String) -> Int64
}

/// A history with no decisions: every count is 0. For hosts without the capability.
public struct EmptyDecisionHistory: DecisionHistory {
    public init() {}
    public func decisionsCount(value: String) -> Int { 0 }
    public func decisionsCount(value: String, since seconds: Int64) -> Int { 0 }
    public func activeDecisionsCount(value: String) -> Int { 0 }
    public func activeDecisionsTimeLeft(value: String) -> Int64 { 0 }
}
