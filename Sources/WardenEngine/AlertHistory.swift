import WardenModel
import WardenStore

/// What `cscli` reads and deletes over the Local API (`GET /v1/alerts`, deletes of alerts
/// and decisions), answered from what the backends hold (`warden.history/1`). A delete
/// ends bans in every backend, then brings the engine's decision book in step before it
/// returns, so the bouncer API no longer has them when the client hears back.
public struct AlertHistory: Sendable {
    let engine: Engine

    public init(engine: Engine) {
        self.engine = engine
    }

    private func afterChange() async { await engine.changed() }

    /// The signals `filter` selects, newest first (oldest first with `sort=ASC`).
    public func list(_ filter: AlertFilter, now: Int64) async throws(EngineError) -> [SignalRecord] {
        if filter.withoutDecisions { return [] }
        var query = filter.query
        // The store lists the newest first: oldest-first pages and filters of ours need every match.
        if filter.filtersAfterReading || filter.ascending { query.limit = nil }
        var records: [SignalRecord] = []
        var seen: Set<SignalRecord.ReplicaKey> = []
        for origin in filter.origins.map({ $0.map(Optional.some) }) ?? [query.origin] {
            query.origin = origin
            for record in try await read(query, now: now).signals where filter.keeps(record) && seen.insert(record.replicaKey).inserted {
                records.append(record)
            }
        }
        records.sort { $0.createdNs != $1.createdNs ? $0.createdNs > $1.createdNs : $0.id > $1.id }
        if filter.ascending { records.reverse() }
        if let limit = filter.query.limit, records.count > limit { records.removeLast(records.count - limit) }
        return records
    }

    /// The signal `id` (of the first backend that keeps history), or nil.
    public func alert(id: Int64, now: Int64) async throws(EngineError) -> SignalRecord? {
        try await read(SignalQuery(id: id, limit: 1), now: now).signals.first
    }

    /// Deletes the signals `filter` selects (limit ignored, as LAPI does); how many.
    public func deleteAlerts(_ filter: AlertFilter, now: Int64) async throws(EngineError) -> Int {
        var all = filter
        all.query.limit = nil
        let doomed = try await list(all, now: now)
        var deleted = 0
        for record in doomed {
            deleted += try settle(try await run { () async throws(BanStoreError) in
                try await engine.store.deleteSignals(matching: SignalQuery(id: record.id), now: now)
            })
        }
        if deleted > 0 { await afterChange() }
        return deleted
    }

    /// Deletes the signal `id` (of the first backend that keeps history); whether there was one.
    public func deleteAlert(id: Int64, now: Int64) async throws(EngineError) -> Bool {
        let count = try settle(try await run { () async throws(BanStoreError) in
            try await engine.store.deleteSignals(matching: SignalQuery(id: id, limit: 1), now: now)
        })
        if count > 0 { await afterChange() }
        return count > 0
    }

    /// Ends the live bans `query` selects; how many.
    public func deleteDecisions(_ query: SignalQuery, now: Int64) async throws(EngineError) -> Int {
        let deleted = try settle(try await run { () async throws(BanStoreError) in
            try await engine.store.deleteBans(matching: query, now: now)
        })
        if deleted > 0 { await afterChange() }
        return deleted
    }

    private func read(_ query: SignalQuery, now: Int64) async throws(EngineError) -> SignalListing {
        try await run { () async throws(BanStoreError) in try await engine.store.signals(query, now: now) }
    }

    /// A store error as a 500 whose message is the store's (which backend, and why).
    private func run<T>(_ body: () async throws(BanStoreError) -> T) async throws(EngineError) -> T {
        do {
            return try await body()
        } catch {
            throw EngineError(.failed, "\(error)")
        }
    }

    /// The count of a delete: what the backends that did it agree on (the largest when they
    /// differ: one that missed a write has less to delete). A backend that failed makes it a 500.
    private func settle(_ outcomes: BackendOutcomes<Int>) throws(EngineError) -> Int {
        guard outcomes.failed.isEmpty else {
            throw EngineError(
                .failed,
                "delete not done in every backend: " + outcomes.failed.map(\.description).joined(separator: "; "))
        }
        return outcomes.succeeded.map(\.value).max() ?? 0
    }
}
