/// The change feed of `GET /v1/decisions/stream`.
extension DecisionIndex {
    /// What a bouncer whose last answer ended at `cursor` must apply now, and its next cursor.
    ///
    /// - `cursor` nil (a `startup=true` pull), or older than the kept history, or
    ///   unknown to this index: every active decision in `new`, sorted by id, and in
    ///   `deleted` every removal still kept (one per id, the latest), since the bouncer
    ///   may hold any of them. The kind says which case it was.
    /// - Otherwise a delta: in `new` the decisions added since and still active, in
    ///   `deleted` those removed, replaced or expired since that the bouncer had been
    ///   sent (added at or before `cursor`), both in the order of the changes.
    ///
    /// Expires what ended at `nowNs` first, so `deleted` holds every decision ended by
    /// then. `filter` applies to both lists. Costs O(changes since `cursor`) for a delta.
    public mutating func changes(since cursor: ChangeCursor?, now nowNs: Int64, filter: DecisionFilter)
        -> DecisionChanges
    {
        expire(now: nowNs)
        guard let cursor else { return fullAnswer(.startup, filter: filter) }
        guard cursor.sequence >= log.horizon, cursor.sequence <= log.lastSeq else {
            return fullAnswer(.resync, filter: filter)
        }
        var new: [Decision] = []
        var deleted: [Decision] = []
        for entry in log.entries(after: cursor.sequence) where filter.matches(entry.decision) {
            switch entry.kind {
            case .added:
                // Still held in this version (expire ran, so it is active).
                if stored(id: entry.decision.id)?.addedSeq == entry.seq { new.append(entry.decision) }
            case .removed:
                // A decision added after the cursor was never sent: nothing to lift.
                if entry.addedSeq <= cursor.sequence { deleted.append(entry.decision) }
            }
        }
        return DecisionChanges(kind: .delta, new: new, deleted: deleted, cursor: self.cursor)
    }

    /// Every decision held (active, since expire ran) and every removal kept, filtered.
    private func fullAnswer(_ kind: DecisionChanges.Kind, filter: DecisionFilter) -> DecisionChanges {
        var new: [Decision] = []
        for case let stored? in slots where filter.matches(stored.decision) { new.append(stored.decision) }
        new.sort { $0.id < $1.id }
        var deleted: [Decision] = []
        var positions: [Int64: Int] = [:]
        for entry in log.kept where entry.kind == .removed && filter.matches(entry.decision) {
            if let position = positions[entry.decision.id] {
                deleted[position] = entry.decision
            } else {
                positions[entry.decision.id] = deleted.count
                deleted.append(entry.decision)
            }
        }
        return DecisionChanges(kind: kind, new: new, deleted: deleted, cursor: cursor)
    }
}
