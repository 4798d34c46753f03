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
    /// The backend named `idsFrom` is asked for the id each signal gets (`insert_signal`),
    /// when it offers that: a Local API answers a client with the ids its reads will show.
    public func add(plan: [String: [SignalOrder]], idsFrom: String? = nil) async throws(BanStoreError) -> [SignalBatchOutcome] {
        let backends = try usableInstances().filter { plan[$0.name] != nil }
        let outcomes = await outcomes(of: backends, "insert", failedIf: { $0.failure != nil }) { backend in
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
                try backend.flush()
                return SignalBatchOutcome(backend: backend.name, stored: stored, ids: ids, failure: nil)
            } catch {
                let kept = stored == signals.count ? 0 : stored
                return SignalBatchOutcome(
                    backend: backend.name, stored: kept, ids: ids.map { Array($0.prefix(kept)) }, failure: BackendFailure(error))
            }
        }
        return outcomes.succeeded.map(\.value)
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
