import WardenModel

/// The decisions a Local API answers from, in memory, indexed for LAPI's
/// lookups and recording every change for the stream endpoint.
///
/// Rules:
/// - Several decisions per value, as CrowdSec keeps them: a decision for a value
///   that already has some is held beside them (ABI 1.2, STACKED BANS). Which of
///   them a bouncer is sent is the change feed's business
///   (``changes(since:now:filter:dedup:)``).
/// - Ids are unique within an index (the backend's row ids).
/// - A decision is active while `untilNs > now`; lookups take `now` and never
///   return an ended decision, even before ``expire(now:)`` removed it.
/// - Every change (a decision added, one removed) gets the next sequence number
///   in the change log that ``changes(since:now:filter:)`` answers from.
///
/// A value type, not thread-safe: the server keeps it behind a lock or in an actor.
public struct DecisionIndex: Sendable {
    /// A decision held, the change that added it, and the next slot holding a decision
    /// on the same target (-1 at the end). The lookup tables point at the first slot of
    /// each target; the others follow from it. 24 bytes: a million slots are 24 MB.
    struct Stored {
        let decision: Decision
        let addedSeq: UInt64
        var nextOfTarget: Int32 = -1
        /// Whether the lookup tables point at this slot for its target (the chain's first).
        var isFirstOfTarget = true

        /// Its target as bits (computed: a few masks, cheaper to redo than to keep).
        var block: Block { Block(decision.target) }
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

    /// The first slot of the decisions holding exactly `block`.
    func firstSlot(holding block: Block) -> Int32? { block.isIPv4 ? v4.slot(of: block) : v6.slot(of: block) }

    /// Calls `body` with every slot holding a decision on the same target as the
    /// first slot `first`, that one included.
    func forEachOfTarget(from first: Int32, _ body: (Int32) -> Void) {
        var slot = first
        while slot >= 0, let stored = slots[Int(slot)] {
            body(slot)
            slot = stored.nextOfTarget
        }
    }

    /// Every decision held on exactly `target` (active or not until ``expire(now:)``).
    public func decisions(on target: BanTarget) -> [Decision] {
        var found: [Decision] = []
        if let first = firstSlot(holding: Block(target)) {
            forEachOfTarget(from: first) { slot in slots[Int(slot)].map { found.append($0.decision) } }
        }
        return found
    }

    /// Adds `decision` beside the other decisions of its value, replacing the
    /// decision with the same id (recorded as removed at `nowNs`). A decision
    /// already ended at `nowNs` is not added (what it replaces is still removed).
    /// Upserting a decision equal to the one held changes nothing.
    /// - Returns: whether anything changed.
    @discardableResult
    public mutating func upsert(_ decision: Decision, now nowNs: Int64) -> Bool {
        if let held = stored(id: decision.id), held.decision == decision { return false }
        let block = Block(decision.target)
        var changed = removeStored(id: decision.id, endNs: nowNs, atNs: nowNs) != nil
        if decision.untilNs > nowNs {
            let seq = log.append(.added, decision, atNs: nowNs)
            let slot = freeSlots.popLast() ?? Int32(slots.count)
            if Int(slot) == slots.count { slots.append(nil) }
            var stored = Stored(decision: decision, addedSeq: seq)
            if let first = firstSlot(holding: block) {
                // Second or later decision of its target: linked after the first.
                stored.isFirstOfTarget = false
                stored.nextOfTarget = slots[Int(first)]!.nextOfTarget
                slots[Int(first)]!.nextOfTarget = slot
                slots[Int(slot)] = stored
            } else {
                slots[Int(slot)] = stored
                if block.isIPv4 { v4.insert(block, slot: slot) } else { v6.insert(block, slot: slot) }
            }
            slotOfId[decision.id] = slot
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
        unlink(slot, stored)
        slots[Int(slot)] = nil
        freeSlots.append(slot)
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

    /// Takes `slot` out of its target's chain: the lookup tables then point at the
    /// next decision of the target, or forget the target with its last decision.
    private mutating func unlink(_ slot: Int32, _ stored: Stored) {
        let block = stored.block
        guard let first = firstSlot(holding: block) else { return }
        if first == slot {
            if block.isIPv4 { v4.remove(block, slot: slot) } else { v6.remove(block, slot: slot) }
            let next = stored.nextOfTarget
            if next >= 0 {
                slots[Int(next)]!.isFirstOfTarget = true
                if block.isIPv4 { v4.insert(block, slot: next) } else { v6.insert(block, slot: next) }
            }
            return
        }
        var previous = first
        while let held = slots[Int(previous)], held.nextOfTarget >= 0 {
            if held.nextOfTarget == slot {
                slots[Int(previous)]!.nextOfTarget = stored.nextOfTarget
                return
            }
            previous = held.nextOfTarget
        }
    }
}
