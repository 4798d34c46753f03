/// The decisions a Local API answers from, in memory, indexed for LAPI's
/// lookups and recording every change for the stream endpoint.
///
/// Rules:
/// - One decision per value: a decision for a value that already has one
///   replaces it (the newest upsert wins, whatever the ids), as Warden keeps one
///   live ban per target.
/// - Ids are unique within an index (the backend's row ids).
/// - A decision is active while `untilNs > now`; lookups take `now` and never
///   return an ended decision, even before ``expire(now:)`` removed it.
/// - Every change (a decision added, one removed) gets the next sequence number
///   in the change log that ``changes(since:now:filter:)`` answers from.
///
/// A value type, not thread-safe: the server keeps it behind a lock or in an actor.
public struct DecisionIndex: Sendable {
    /// A decision held, with its target as bits and the change that added it.
    struct Stored {
        let decision: Decision
        let block: Block
        let addedSeq: UInt64
    }

    public let limits: ChangeLogLimits
    /// The decisions held, in slots the lookup tables point to (nil: a free slot).
    var slots: [Stored?] = []
    private var freeSlots: [Int32] = []
    var slotOfId: [Int64: Int32] = [:]
    var v4 = FamilyIndex<UInt32>(width: 32)
    var v6 = FamilyIndex<IPv6Key>(width: 128)
    private var expiry = ExpiryHeap()
    var log = ChangeLog()
    /// The decisions held per origin and scope.
    public private(set) var tally = DecisionTally()
    /// When not nil, every addition and every removal other than by expiry is
    /// appended here, for a caller that wants to know what one batch changed (it
    /// sets `[]`, applies, reads, sets nil). Nil by default: lookups pay nothing.
    public var journal: [DecisionEvent]?

    public init(limits: ChangeLogLimits = ChangeLogLimits()) {
        self.limits = limits
    }

    /// How many decisions the index holds (ended ones included until ``expire(now:)``).
    public var count: Int { slotOfId.count }

    /// The cursor of the newest change.
    public var cursor: ChangeCursor { ChangeCursor(sequence: log.lastSeq) }

    /// The decision with this id, if the index holds it.
    public func decision(id: Int64) -> Decision? { stored(id: id)?.decision }

    func stored(id: Int64) -> Stored? { slotOfId[id].flatMap { slots[Int($0)] } }

    /// The slot of the decision holding exactly `block`.
    func slot(holding block: Block) -> Int32? { block.isIPv4 ? v4.slot(of: block) : v6.slot(of: block) }

    /// Adds `decision`, replacing the decision with the same id and the one with
    /// the same value (each recorded as removed at `nowNs`). A decision already
    /// ended at `nowNs` is not added (what it replaces is still removed).
    /// Upserting a decision equal to the one held changes nothing.
    /// - Returns: whether anything changed.
    @discardableResult
    public mutating func upsert(_ decision: Decision, now nowNs: Int64) -> Bool {
        if let held = stored(id: decision.id), held.decision == decision { return false }
        let block = Block(decision.target)
        var changed = removeStored(id: decision.id, endNs: nowNs, atNs: nowNs) != nil
        if let holder = slot(holding: block), let held = slots[Int(holder)] {
            removeStored(id: held.decision.id, endNs: nowNs, atNs: nowNs)
            changed = true
        }
        if decision.untilNs > nowNs {
            let seq = log.append(.added, decision, atNs: nowNs)
            let slot = freeSlots.popLast() ?? Int32(slots.count)
            if Int(slot) == slots.count { slots.append(nil) }
            slots[Int(slot)] = Stored(decision: decision, block: block, addedSeq: seq)
            slotOfId[decision.id] = slot
            if block.isIPv4 { v4.insert(block, slot: slot) } else { v6.insert(block, slot: slot) }
            expiry.push(ExpiryHeap.Entry(untilNs: decision.untilNs, slot: slot, addedSeq: seq))
            tally.add(decision)
            journal?.append(.added(decision))
            changed = true
        }
        log.trim(nowNs: nowNs, limits: limits)
        return changed
    }

    /// Removes the decision with this id, ending it at `nowNs` (or at its own end if earlier).
    /// - Returns: the decision removed, with that end time.
    @discardableResult
    public mutating func remove(id: Int64, now nowNs: Int64) -> Decision? {
        let removed = removeStored(id: id, endNs: nowNs, atNs: nowNs)
        log.trim(nowNs: nowNs, limits: limits)
        return removed
    }

    /// Removes every decision whose id is at most `lastId` (a backend's `delete_all`
    /// ends every ban up to its newest row). A scan of every decision: `delete_all`
    /// is rare and usually ends nearly all of them.
    /// - Returns: how many were removed.
    @discardableResult
    public mutating func removeAll(throughId lastId: Int64, now nowNs: Int64) -> Int {
        let ids = slotOfId.keys.filter { $0 <= lastId }.sorted()
        for id in ids { removeStored(id: id, endNs: nowNs, atNs: nowNs) }
        log.trim(nowNs: nowNs, limits: limits)
        return ids.count
    }

    /// Removes the decisions ended at `nowNs` (`untilNs <= nowNs`), recording each
    /// with its own end time. Costs O(expired · log n).
    /// - Returns: how many were removed.
    @discardableResult
    public mutating func expire(now nowNs: Int64) -> Int {
        var removed = 0
        while let top = expiry.top, top.untilNs <= nowNs {
            expiry.popTop()
            guard let held = slots[Int(top.slot)], held.addedSeq == top.addedSeq else { continue }
            removeStored(id: held.decision.id, endNs: top.untilNs, atNs: nowNs, expiring: true)
            removed += 1
        }
        log.trim(nowNs: nowNs, limits: limits)
        return removed
    }

    /// Drops the decision `id` from every structure and logs its removal, ended at
    /// `min(endNs, its own end)`. Its heap entry goes stale; the heap is rebuilt
    /// when stale entries outnumber live ones, so it stays O(n).
    /// - Returns: the decision removed, with its end time; nil when the index did not hold `id`.
    @discardableResult
    private mutating func removeStored(id: Int64, endNs: Int64, atNs: Int64, expiring: Bool = false) -> Decision? {
        guard let slot = slotOfId.removeValue(forKey: id), let stored = slots[Int(slot)] else { return nil }
        slots[Int(slot)] = nil
        freeSlots.append(slot)
        if stored.block.isIPv4 { v4.remove(stored.block, slot: slot) } else { v6.remove(stored.block, slot: slot) }
        let ended = stored.decision.untilNs <= endNs ? stored.decision : stored.decision.ending(at: endNs)
        log.append(.removed, ended, addedSeq: stored.addedSeq, atNs: atNs)
        tally.remove(stored.decision)
        if !expiring { journal?.append(.removed(ended)) }
        if expiry.count > 64 && expiry.count > 2 * slotOfId.count {
            let held = slots
            expiry.retain { held[Int($0.slot)]?.addedSeq == $0.addedSeq }
        }
        return ended
    }
}
