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
public struct DecisionIndex {
    struct Stored {
        let decision: Decision
        let block: Block
        /// The sequence number of the change that added it.
        let addedSeq: UInt64
    }

    public let limits: ChangeLogLimits
    var decisions: [Int64: Stored] = [:]
    var v4 = FamilyIndex(width: 32)
    var v6 = FamilyIndex(width: 128)
    private var expiry = ExpiryHeap()
    var log = ChangeLog()

    public init(limits: ChangeLogLimits = ChangeLogLimits()) {
        self.limits = limits
    }

    /// How many decisions the index holds (ended ones included until ``expire(now:)``).
    public var count: Int { decisions.count }

    /// The cursor of the newest change.
    public var cursor: ChangeCursor { ChangeCursor(sequence: log.lastSeq) }

    /// The decision with this id, if the index holds it.
    public func decision(id: Int64) -> Decision? { decisions[id]?.decision }

    /// Adds `decision`, replacing the decision with the same id and the one with
    /// the same value (each recorded as removed at `nowNs`). A decision already
    /// ended at `nowNs` is not added (what it replaces is still removed).
    /// Upserting a decision equal to the one held changes nothing.
    /// - Returns: whether anything changed.
    @discardableResult
    public mutating func upsert(_ decision: Decision, now nowNs: Int64) -> Bool {
        if let held = decisions[decision.id], held.decision == decision { return false }
        let block = Block(decision.target)
        var changed = false
        if removeStored(id: decision.id, endNs: nowNs, atNs: nowNs) != nil { changed = true }
        if let holder = family(block.isIPv4).id(of: block) {
            removeStored(id: holder, endNs: nowNs, atNs: nowNs)
            changed = true
        }
        if decision.untilNs > nowNs {
            let seq = log.append(.added, decision, atNs: nowNs)
            decisions[decision.id] = Stored(decision: decision, block: block, addedSeq: seq)
            updateFamily(block.isIPv4) { $0.insert(block, id: decision.id) }
            expiry.push(ExpiryHeap.Entry(untilNs: decision.untilNs, id: decision.id, addedSeq: seq))
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
        let ids = decisions.keys.filter { $0 <= lastId }.sorted()
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
            guard decisions[top.id]?.addedSeq == top.addedSeq else { continue }
            removeStored(id: top.id, endNs: top.untilNs, atNs: nowNs)
            removed += 1
        }
        log.trim(nowNs: nowNs, limits: limits)
        return removed
    }

    /// Drops the decision `id` from every structure and logs its removal, ended at
    /// `min(endNs, its own end)`. The heap entry goes stale; the heap is rebuilt
    /// when stale entries outnumber live ones, so it stays O(n).
    /// - Returns: the decision removed, with its end time; nil when the index did not hold `id`.
    @discardableResult
    private mutating func removeStored(id: Int64, endNs: Int64, atNs: Int64) -> Decision? {
        guard let stored = decisions.removeValue(forKey: id) else { return nil }
        updateFamily(stored.block.isIPv4) { $0.remove(stored.block, id: id) }
        let ended = stored.decision.untilNs <= endNs ? stored.decision : stored.decision.ending(at: endNs)
        log.append(.removed, ended, addedSeq: stored.addedSeq, atNs: atNs)
        if expiry.count > 64 && expiry.count > 2 * decisions.count {
            let live = decisions
            expiry.retain { live[$0.id]?.addedSeq == $0.addedSeq }
        }
        return ended
    }

    func family(_ isIPv4: Bool) -> FamilyIndex { isIPv4 ? v4 : v6 }

    private mutating func updateFamily(_ isIPv4: Bool, _ change: (inout FamilyIndex) -> Void) {
        if isIPv4 { change(&v4) } else { change(&v6) }
    }
}
