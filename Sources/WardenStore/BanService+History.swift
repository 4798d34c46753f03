import WardenBackendHost
import WardenModel

/// ``BanStore``'s history operations for async callers (the Local API, the profiles'
/// helpers), each backend called on its own worker. Same answers and errors.
extension BanService {
    /// See ``BanStore/targetHistory(of:sinceNs:now:)``.
    public func targetHistory(of target: BanTarget, sinceNs: Int64? = nil, now: Int64) async throws(BanStoreError)
        -> TargetHistoryAnswer
    {
        try checkOpen()
        let (offering, lacking) = try store.historyBackends()
        var answers = await outcomes(of: offering, "target_history") { backend throws(BackendCallError) in
            try backend.targetHistory(target, sinceNs: sinceNs, now: now)
        }
        answers.failed += lacking
        guard let merged = TargetHistoryAnswer.merging(answers) else { throw .noHistory(answers.failed) }
        return merged
    }

    /// ``targetHistory(of:sinceNs:now:)`` for a caller that cannot await: blocks the
    /// calling thread until every backend's worker has answered (one indexed query each).
    /// What the profiles' counting helpers call while an expression runs.
    public func targetHistoryWaiting(of target: BanTarget, sinceNs: Int64? = nil, now: Int64) throws(BanStoreError)
        -> TargetHistoryAnswer
    {
        try checkOpen()
        let (offering, lacking) = try store.historyBackends()
        var answers = BackendOutcomes<TargetHistory>()
        for backend in offering {
            do throws(BackendCallError) {
                let history = try workers[ObjectIdentifier(backend)]!.runWaiting { () throws(BackendCallError) in
                    try self.observed(backend, "target_history") { () throws(BackendCallError) in
                        try backend.targetHistory(target, sinceNs: sinceNs, now: now)
                    }
                }
                answers.succeeded.append((backend.name, history))
            } catch {
                answers.failed.append(error)
            }
        }
        answers.failed += lacking
        guard let merged = TargetHistoryAnswer.merging(answers) else { throw .noHistory(answers.failed) }
        return merged
    }

    /// See ``BanStore/signals(_:now:)``.
    public func signals(_ query: SignalQuery, now: Int64) async throws(BanStoreError) -> SignalListing {
        try checkOpen()
        let (readers, lacking) = try store.historyReaders(for: query)
        var reads = await outcomes(of: readers, "read_signals") { backend throws(BackendCallError) in try backend.readSignals(query, now: now) }
        guard !reads.succeeded.isEmpty else { throw .noHistory(reads.failed + lacking) }
        reads.failed += lacking
        return .merging(reads, limit: query.limit)
    }

    /// See ``BanStore/deleteSignals(matching:now:)``.
    public func deleteSignals(matching query: SignalQuery, now: Int64) async throws(BanStoreError) -> BackendOutcomes<Int> {
        let doomed = try await signals(query, now: now).signals
        return await outcomes(of: try usableBackends(), "delete_signal") { backend throws(BackendCallError) in
            var count = 0
            for record in doomed { count += try backend.removeSignal(record, now: now) }
            return count
        }
    }

    /// See ``BanStore/deleteBans(matching:now:)``.
    public func deleteBans(matching query: SignalQuery, now: Int64) async throws(BanStoreError) -> BackendOutcomes<Int> {
        let doomed = try await signals(query.liveOnly, now: now).liveBans(matching: query, now: now)
        return await outcomes(of: try usableBackends(), "delete_ban") { backend throws(BackendCallError) in
            var count = 0
            for (record, index) in doomed { count += try backend.removeBan(index, of: record, now: now) }
            return count
        }
    }
}
