/// How many decisions an index holds for each LAPI origin and scope: what the
/// daemon's `warden_active_bans` gauge reports. Kept up to date by every addition
/// and removal, so a metrics scrape never walks the decisions (walking 100k of them
/// under the index's lock would stall lookups at each scrape).
public struct DecisionTally: Sendable, Equatable {
    /// One (origin, scope) pair: `crowdsec`/`Ip`, `cscli`/`Range`...
    public struct Key: Hashable, Sendable {
        public var origin: String
        public var scope: String

        public init(origin: String, scope: String) {
            self.origin = origin
            self.scope = scope
        }
    }

    /// The number held for each pair; a pair with none is absent.
    public private(set) var counts: [Key: Int] = [:]

    public init() {}

    mutating func add(_ decision: Decision) {
        counts[Key(origin: decision.origin, scope: decision.scope), default: 0] += 1
    }

    mutating func remove(_ decision: Decision) {
        let key = Key(origin: decision.origin, scope: decision.scope)
        guard let held = counts[key] else { return }
        counts[key] = held > 1 ? held - 1 : nil
    }
}

/// A decision that entered or left an index other than by expiry, as recorded in
/// ``DecisionIndex/journal`` (the daemon counts bans created and deleted from these).
public enum DecisionEvent: Sendable, Equatable {
    case added(Decision)
    /// Removed by ``DecisionIndex/remove(id:now:)``, ``DecisionIndex/removeAll(throughId:now:)``,
    /// or replaced by an upsert (of the same id or the same value).
    case removed(Decision)
}
