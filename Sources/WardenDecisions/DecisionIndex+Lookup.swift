import WardenModel

/// The lookups of `GET /v1/decisions`. None goes through every decision unless
/// the query names neither an address nor a value; results are sorted by id.
extension DecisionIndex {
    /// Every decision active at `nowNs` whose target contains `ip`: the Ip decision
    /// of that address and every Range around it. One hash probe per prefix length present.
    public func matching(ip: IPAddress, now nowNs: Int64) -> [Decision] {
        var found: [Decision] = []
        let block = Block(.ip(ip))
        func collect(_ first: Int32) {
            forEachOfTarget(from: first) { slot in appendActive(slot, nowNs: nowNs, to: &found) }
        }
        if block.isIPv4 { v4.forEachCovering(block, collect) } else { v6.forEachCovering(block, collect) }
        if found.count > 1 { found.sort { $0.id < $1.id } }
        return found
    }

    /// `range=` lookups: with `contains`, every active decision whose target contains
    /// `range` (one hash probe per prefix length present); without, every active
    /// decision whose target lies inside it (a binary search, then one step per decision
    /// returned). An address counts as its own /32 or /128.
    public func matching(range: BanTarget, contains: Bool, now nowNs: Int64) -> [Decision] {
        var found: [Decision] = []
        forEachSelected(by: AddressQuery(block: range, contains: contains)) { slot in
            appendActive(slot, nowNs: nowNs, to: &found)
        }
        found.sort { $0.id < $1.id }
        return found
    }

    /// The answer to a `GET /v1/decisions` query: every decision active at `nowNs`
    /// that passes `filter`, found through the address, else the value, else by
    /// going through every decision; with `dedup`, only the longest of each value and
    /// type (see the stream rules).
    public func decisions(matching filter: DecisionFilter, now nowNs: Int64, dedup: Bool = false) -> [Decision] {
        var found: [Decision] = []
        func consider(_ decision: Decision) {
            if decision.untilNs > nowNs && filter.matches(decision) { found.append(decision) }
        }
        if let address = filter.address {
            forEachSelected(by: address) { slot in slots[Int(slot)].map { consider($0.decision) } }
        } else if let value = filter.value {
            if let target = BanTarget(storedText: value) { decisions(on: target).forEach(consider) }
        } else {
            for stored in slots { stored.map { consider($0.decision) } }
        }
        if dedup { found = Self.longestPerValueAndType(found) }
        found.sort { $0.id < $1.id }
        return found
    }

    /// Of `decisions`, the one that outlasts the others of its value and type.
    static func longestPerValueAndType(_ decisions: [Decision]) -> [Decision] {
        // By the parsed target, whose text is the value: no text made per decision.
        struct Key: Hashable {
            var type: String
            var target: BanTarget
        }
        var longest: [Key: Decision] = [:]
        var order: [Key] = []
        for decision in decisions {
            let key = Key(type: decision.type, target: decision.target)
            if let kept = longest[key] {
                if outlasts(kept, decision) { continue }
            } else {
                order.append(key)
            }
            longest[key] = decision
        }
        return order.map { longest[$0]! }
    }

    /// Calls `body` with the slot of every decision `query` selects, active or not.
    private func forEachSelected(by query: AddressQuery, _ body: (Int32) -> Void) {
        let block = Block(query.block)
        func each(_ first: Int32) { forEachOfTarget(from: first, body) }
        switch (block.isIPv4, query.contains) {
        case (true, true): v4.forEachCovering(block, each)
        case (true, false): v4.forEachInside(block, each)
        case (false, true): v6.forEachCovering(block, each)
        case (false, false): v6.forEachInside(block, each)
        }
    }

    private func appendActive(_ slot: Int32, nowNs: Int64, to found: inout [Decision]) {
        if let stored = slots[Int(slot)], stored.decision.untilNs > nowNs { found.append(stored.decision) }
    }
}
