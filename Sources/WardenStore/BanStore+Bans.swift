import WardenBackendHost
import WardenModel

/// The store's ban operations: each write reaches every backend and is flushed before
/// it returns, so what it reports is durable; reads are merged.
extension BanStore {
    /// Inserts `signal` into every backend and flushes each.
    public func add(_ signal: SignalOrder) async throws(BanStoreError) -> BackendOutcomes<Void> {
        await outcomes(of: try usableInstances(), "insert") { backend throws(BackendCallError) in try backend.record(signal) }
    }

    /// Inserts, into each backend named in `plan`, its signals in order, then flushes it:
    /// how alert intake stores a batch where it is missing (a retried batch goes only
    /// where it did not land). Per backend: how many of its signals were stored (always
    /// a prefix), and the failure that stopped it. A failed flush counts none as stored,
    /// so a retry may store a signal twice rather than lose it.
    ///
    /// The inserts and the flush are two calls on the backend's worker, and batches that
    /// were inserted while another was being flushed share the next flush (``GroupCommit``):
    /// concurrent requests make one commit, not one each, and each still returns only
    /// once a flush that followed its inserts succeeded.
    ///
    /// The backend named `idsFrom` is asked for the id each signal gets (`insert_signal`),
    /// when it offers that: a Local API answers a client with the ids its reads will show.
    public func add(plan: [String: [SignalOrder]], idsFrom: String? = nil) async throws(BanStoreError) -> [SignalBatchOutcome] {
        let backends = try usableInstances().filter { plan[$0.name] != nil }
        let inserted = await outcomes(
            of: backends, "insert", failedIf: { (inserted: InsertedBatch) in inserted.outcome.failure != nil }
        ) { backend throws(BackendCallError) -> InsertedBatch in
            let signals = plan[backend.name]!
            var stored = 0
            var ids: [Int64]? = backend.name == idsFrom ? [] : nil
            do throws(BackendCallError) {
                for signal in signals {
                    if ids != nil, let id = try backend.insertReturningID(signal) {
                        ids?.append(id)
                    } else {
                        ids = nil  // not offered: the signal was not inserted yet
                        try backend.insert(signal)
                    }
                    stored += 1
                }
                let ticket = self.groupCommit(of: backend).inserted()
                return InsertedBatch(outcome: SignalBatchOutcome(backend: backend.name, stored: stored, ids: ids, failure: nil), ticket: ticket)
            } catch {
                // Inserted but not flushed: those rows go with the next flush.
                let kept = stored == signals.count ? 0 : stored
                let outcome = SignalBatchOutcome(
                    backend: backend.name, stored: kept, ids: ids.map { Array($0.prefix(kept)) }, failure: BackendFailure(error))
                return InsertedBatch(outcome: outcome, ticket: 0)
            }
        }
        let tickets = [String: UInt64](uniqueKeysWithValues: inserted.succeeded.map { ($0.backend, $0.value.ticket) })
        let flushing = backends.filter { (tickets[$0.name] ?? 0) > 0 }
        let flushed = await outcomes(of: flushing, "flush") { backend throws(BackendCallError) in
            try self.groupCommit(of: backend).commit(tickets[backend.name]!) { () throws(BackendCallError) in try backend.flush() }
        }
        let flushFailures = [String: BackendFailure](uniqueKeysWithValues: flushed.failed.map { ($0.backend, $0) })
        return inserted.succeeded.map { success in
            guard let failure = flushFailures[success.backend] else { return success.value.outcome }
            return SignalBatchOutcome(
                backend: success.backend, stored: 0, ids: success.value.outcome.ids.map { _ in [] }, failure: failure)
        }
    }

    /// A batch's inserts on one backend: what they stored, and its ticket for the flush (0: none).
    private struct InsertedBatch: Sendable {
        var outcome: SignalBatchOutcome
        var ticket: UInt64
    }

    /// The ``GroupCommit`` of `backend`.
    private func groupCommit(of backend: LoadedBackend) -> GroupCommit {
        commits[instances.firstIndex { $0 === backend }!]
    }

    /// The bans matching `query`, from every backend (or `query.backend` only) that
    /// could answer; `now` is used when the query has no time.
    public func list(_ query: BanQuery, now: Int64) async throws(BanStoreError) -> BanListing {
        try checkOpen()
        let at = query.at ?? now
        let reads = await outcomes(of: try instances(for: query), "read") { backend throws(BackendCallError) in
            try backend.read(query, at: at)
        }
        return .merging(reads, limit: query.limit)
    }

    /// The instances `query` reads: the one it names, or every loaded one.
    func instances(for query: BanQuery) throws(BanStoreError) -> [LoadedBackend] {
        guard let name = query.backend else { return try loadedInstances() }
        return [try instance(named: name)]
    }

    /// What changed in the storage of the backend called `backend` since `cursor` (0: a
    /// snapshot); nil when it has no change feed. See `LoadedBackend.changes(since:)`.
    /// - Throws: ``BanStoreError`` (shut down, no such backend), or the backend's
    ///   ``BackendFailure`` (``BackendFailure/isStaleCursor``: read again from 0).
    public func changes(from backend: String, since cursor: Int64) async throws -> BanChanges? {
        try checkOpen()
        let instance = try instance(named: backend)
        return try await call(instance, "changes") { () throws(BackendCallError) in try instance.changes(since: cursor) }
    }

    /// Deletes the live bans of `target` in every backend; how many each removed.
    public func delete(target: String) async throws(BanStoreError) -> BackendOutcomes<Int> {
        await outcomes(of: try usableInstances(), "delete") { backend throws(BackendCallError) in
            try backend.remove(target: target)
        }
    }

    /// Deletes every live ban in every backend; how many each removed.
    public func deleteAll() async throws(BanStoreError) -> BackendOutcomes<Int> {
        await outcomes(of: try usableInstances(), "delete_all") { backend throws(BackendCallError) in try backend.removeAll() }
    }
}

/// What ``BanStore/add(plan:idsFrom:)`` did in one backend.
public struct SignalBatchOutcome: Sendable {
    public var backend: String
    /// How many of the backend's signals were stored, from the first.
    public var stored: Int
    /// The ids the stored signals got (0 for one without bans), when the backend was asked
    /// for them and offers `insert_signal`; nil otherwise.
    public var ids: [Int64]?
    /// Why it stopped, when it did not store them all.
    public var failure: BackendFailure?
}
