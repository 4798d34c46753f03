import WardenModel

/// The lookups of `GET /v1/decisions`. None goes through every decision unless
/// the query names neither an address nor a value; results are sorted by id.
extension DecisionIndex {
    /// Every decision active at `nowNs` whose target contains `ip`: the Ip decision
    /// of that address and every Range around it. One hash probe per prefix length present.
    public func matching(ip: IPAddress, now nowNs: Int64) -> [Decision] {
        var found: [Decision] = []
        let block = Block(.ip(ip))
        func collect(_ slot: Int32) { appendActive(slot, nowNs: nowNs, to: &found) }
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
    /// going through every decision.
    public func decisions(matching filter: DecisionFilter, now nowNs: Int64) -> [Decision] {
        var found: [Decision] = []
        func consider(_ decision: Decision) {
            if decision.untilNs > nowNs && filter.matches(decision) { found.append(decision) }
        }
        if let address = filter.address {
            forEachSelected(by: address) { slot in slots[Int(slot)].map { consider($0.decision) } }
        } else if let value = filter.value {
            if let target = BanTarget(storedText: value) {
                if let slot = slot(holding: Block(target)) { slots[Int(slot)].map { consider($0.decision) } }
            }
        } else {
            for stored in slots { stored.map { consider($0.decision) } }
        }
        found.sort { $0.id < $1.id }
        return found
    }

    /// Calls `body` with the slot of every decision `query` selects, active or not.
    private func forEachSelected(by query: AddressQuery, _ body: (Int32) -> Void) {
        let block = Block(query.block)
        switch (block.isIPv4, query.contains) {
        case (true, true): v4.forEachCovering(block, body)
        case (true, false): v4.forEachInside(block, body)
        case (false, true): v6.forEachCovering(block, body)
        case (false, false): v6.forEachInside(block, body)
        }
    }

    private func appendActive(_ slot: Int32, nowNs: Int64, to found: inout [Decision]) {
        if let stored = slots[Int(slot)], stored.decision.untilNs > nowNs { found.append(stored.decision) }
    }
}
