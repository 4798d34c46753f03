import WardenModel

/// The lookups of `GET /v1/decisions`. None scans every decision unless the
/// query names neither an address nor a value; results are sorted by id.
extension DecisionIndex {
    /// Every decision active at `nowNs` whose target contains `ip`: the Ip decision
    /// of that address and every Range around it. One hash probe per prefix length present.
    public func matching(ip: IPAddress, now nowNs: Int64) -> [Decision] {
        var found: [Decision] = []
        let block = Block(.ip(ip))
        family(block.isIPv4).forEachCovering(block) { id in appendActive(id, nowNs: nowNs, to: &found) }
        if found.count > 1 { found.sort { $0.id < $1.id } }
        return found
    }

    /// `range=` lookups: with `contains`, every active decision whose target contains
    /// `range` (one hash probe per prefix length present); without, every active
    /// decision whose target lies inside it (a binary search, then one step per decision
    /// returned). An address counts as its own /32 or /128.
    public func matching(range: BanTarget, contains: Bool, now nowNs: Int64) -> [Decision] {
        var found: [Decision] = []
        forEachSelected(by: AddressQuery(block: range, contains: contains)) { id in
            appendActive(id, nowNs: nowNs, to: &found)
        }
        found.sort { $0.id < $1.id }
        return found
    }

    /// The answer to a `GET /v1/decisions` query: every decision active at `nowNs`
    /// that passes `filter`, found through the address, else the value, else by
    /// going through every decision.
    public func decisions(matching filter: DecisionFilter, now nowNs: Int64) -> [Decision] {
        var found: [Decision] = []
        func consider(_ id: Int64) {
            if let decision = decisions[id]?.decision, decision.untilNs > nowNs, filter.matches(decision) {
                found.append(decision)
            }
        }
        if let address = filter.address {
            forEachSelected(by: address, consider)
        } else if let value = filter.value {
            if let target = BanTarget(storedText: value) {
                let block = Block(target)
                family(block.isIPv4).id(of: block).map(consider)
            }
        } else {
            for id in decisions.keys { consider(id) }
        }
        found.sort { $0.id < $1.id }
        return found
    }

    /// Calls `body` with the id of every decision `query` selects, active or not.
    private func forEachSelected(by query: AddressQuery, _ body: (Int64) -> Void) {
        let block = Block(query.block)
        if query.contains {
            family(block.isIPv4).forEachCovering(block, body)
        } else {
            family(block.isIPv4).forEachInside(block, body)
        }
    }

    private func appendActive(_ id: Int64, nowNs: Int64, to found: inout [Decision]) {
        if let decision = decisions[id]?.decision, decision.untilNs > nowNs { found.append(decision) }
    }
}
