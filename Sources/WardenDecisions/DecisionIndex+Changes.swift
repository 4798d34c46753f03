/// The change feed of `GET /v1/decisions/stream`.
///
/// THE STREAM RULES, which make an answer safe to apply in either order (`new`
/// then `deleted`, as the Traefik plugin does, or `deleted` then `new`, as the
/// firewall bouncer does), keyed by id or by value:
/// - A value that still has an active decision the bouncer's filter selects never
///   appears in `deleted` of the same answer.
/// - With `dedup` (the default, as CrowdSec's stream), a value is sent, per type,
///   its longest active decision (largest end, then largest id): the one that
///   protects longest. Without, every active decision.
/// - When what a bouncer must hold for a value changed since its cursor (a
///   decision added, removed or ended), the value's decisions it must hold now are
///   in `new` again; when the value has none left, the removed decisions it may
///   hold are in `deleted`.
/// - `startup=true` (or a lost cursor) sends every active value in `new`, and in
///   `deleted` only the kept removals of values that have no active decision.
extension DecisionIndex {
    /// What a bouncer whose last answer ended at `cursor` must apply now, and its next cursor.
    ///
    /// - `cursor` nil (a `startup=true` pull), or older than the kept history, or
    ///   unknown to this index: every active value's decisions in `new`, sorted by
    ///   id, and in `deleted` every removal still kept (one per id, the latest) of a
    ///   value left with no active decision, since the bouncer may hold any of them.
    ///   The kind says which case it was.
    /// - Otherwise a delta over the values changed since `cursor` (see the stream rules).
    ///
    /// Expires what ended at `nowNs` first, so `deleted` holds every decision ended by
    /// then. `filter` applies to both lists. Costs O(changes since `cursor`) for a delta.
    public mutating func changes(
        since cursor: ChangeCursor?, now nowNs: Int64, filter: DecisionFilter, dedup: Bool = true
    ) -> DecisionChanges {
        expire(now: nowNs)
        guard let cursor else { return fullAnswer(.startup, filter: filter, dedup: dedup) }
        guard cursor.sequence >= log.horizon, cursor.sequence <= log.lastSeq else {
            return fullAnswer(.resync, filter: filter, dedup: dedup)
        }
        var new: [Decision] = []
        var deleted: [Decision] = []
        // The values changed since the cursor, in the order of their first change, with
        // the removals the bouncer may have been sent (added at or before the cursor).
        var touched: [Block: Int] = [:]
        var removals: [[Decision]] = []
        for entry in log.entries(after: cursor.sequence) where filter.matches(entry.decision) {
            let block = Block(entry.decision.target)
            let position: Int
            if let known = touched[block] {
                position = known
            } else {
                position = removals.count
                touched[block] = position
                removals.append([])
            }
            if entry.kind == .removed, entry.addedSeq <= cursor.sequence { removals[position].append(entry.decision) }
        }
        let order = touched.sorted { $0.value < $1.value }
        for (block, position) in order {
            let held = served(on: block, filter: filter, dedup: dedup)
            if held.isEmpty { deleted += Self.latestPerId(removals[position]) } else { new += held }
        }
        return DecisionChanges(kind: .delta, new: new, deleted: deleted, cursor: self.cursor)
    }

    /// The decisions a bouncer with `filter` must hold for the target `block` now
    /// (``expire(now:)`` ran, so every one held is active), sorted by id.
    private func served(on block: Block, filter: DecisionFilter, dedup: Bool) -> [Decision] {
        guard let first = firstSlot(holding: block) else { return [] }
        var held: [Decision] = []
        appendServed(from: first, filter: filter, dedup: dedup, to: &held)
        return held
    }

    /// Appends the decisions to hold for the target whose chain starts at `first`, by id.
    private func appendServed(from first: Int32, filter: DecisionFilter, dedup: Bool, to out: inout [Decision]) {
        guard let head = slots[Int(first)] else { return }
        if head.nextOfTarget < 0 {
            // The common case, one decision for its value: no array of its own.
            if filter.matches(head.decision) { out.append(head.decision) }
            return
        }
        var held: [Decision] = []
        forEachOfTarget(from: first) { slot in
            if let decision = slots[Int(slot)]?.decision, filter.matches(decision) { held.append(decision) }
        }
        if dedup && held.count > 1 { held = Self.longestPerValueAndType(held) }
        if held.count > 1 { held.sort { $0.id < $1.id } }
        out += held
    }

    /// Whether `a` protects at least as long as `b`: it ends later, or at the same time with a larger id.
    static func outlasts(_ a: Decision, _ b: Decision) -> Bool {
        a.untilNs > b.untilNs || (a.untilNs == b.untilNs && a.id > b.id)
    }

    /// `removals` with one entry per id, the latest, in the order of their first removal.
    private static func latestPerId(_ removals: [Decision]) -> [Decision] {
        guard removals.count > 1 else { return removals }
        var result: [Decision] = []
        var positions: [Int64: Int] = [:]
        for decision in removals {
            if let position = positions[decision.id] {
                result[position] = decision
            } else {
                positions[decision.id] = result.count
                result.append(decision)
            }
        }
        return result
    }

    /// Every active value's served decisions, and every removal kept of a value left
    /// with none, filtered.
    private func fullAnswer(_ kind: DecisionChanges.Kind, filter: DecisionFilter, dedup: Bool) -> DecisionChanges {
        var new: [Decision] = []
        new.reserveCapacity(slotOfId.count)
        for (slot, stored) in slots.enumerated() where stored?.isFirstOfTarget == true {
            appendServed(from: Int32(slot), filter: filter, dedup: dedup, to: &new)
        }
        new.sort { $0.id < $1.id }
        var deleted: [Decision] = []
        for entry in log.kept where entry.kind == .removed && filter.matches(entry.decision) {
            if served(on: Block(entry.decision.target), filter: filter, dedup: false).isEmpty { deleted.append(entry.decision) }
        }
        return DecisionChanges(kind: kind, new: new, deleted: Self.latestPerId(deleted), cursor: cursor)
    }
}
