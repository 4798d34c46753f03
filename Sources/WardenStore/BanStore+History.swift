import WardenBackendHost
import WardenModel

/// What the backends remember (`warden.history/1`), for the profiles' counting
/// helpers and the Local API's alerts: counts, signals read back, deletes that end
/// bans in every backend. A backend that lacks the extension is listed among the
/// failures (``BackendFailure/isHistoryUnsupported``); the others answer. Writes
/// still reach it: a delete ends its live bans by target instead.
///
/// Ids are per backend. A query by id (``SignalQuery/id``, ``SignalQuery/banID``)
/// asks the PRIMARY backend only: the first in load order that offers the extension,
/// whose ids listings show (see ``SignalListing``).
extension BanStore {
    /// The backends in the order they answer reads and give ids: those that keep history
    /// first, then the others, each in load order. The first is the primary: the one whose
    /// ids clients see (`POST /v1/alerts`, `GET /v1/alerts/:id`, queries by id here) and
    /// whose change feed the decision book follows while it answers.
    public var readers: [BackendSummary] {
        backends.filter(\.offersHistory) + backends.filter { !$0.offersHistory }
    }

    /// The backends that offer `warden.history/1`, in load order (``readers``' first part),
    /// and the errors of those that do not.
    func historyBackends() throws(BanStoreError) -> (offering: [LoadedBackend], lacking: [BackendFailure]) {
        let all = try usableInstances()
        let offering = all.filter(\.offersHistory)
        let lacking = all.filter { !$0.offersHistory }.map {
            BackendFailure(BackendCallError.historyUnsupported(backend: $0.name, operation: "history"))
        }
        guard !offering.isEmpty else { throw .noHistory(lacking) }
        return (offering, lacking)
    }

    /// The backends a query reads: the primary for a query by id, else every one that offers history.
    func historyReaders(for query: SignalQuery) throws(BanStoreError) -> (readers: [LoadedBackend], lacking: [BackendFailure]) {
        let (offering, lacking) = try historyBackends()
        return query.id != nil || query.banID != nil ? ([offering[0]], lacking) : (offering, lacking)
    }

    /// How many bans ever stored contain `target` (those created after `sinceNs`, when
    /// given), how many are live at `now`, and the latest until of those: CrowdSec's
    /// `GetDecisionsCount` / `GetDecisionsSinceCount` / `GetActiveDecisionsCount` /
    /// `GetActiveDecisionsTimeLeft`. One indexed query per backend.
    /// - Throws: ``BanStoreError/noHistory(_:)`` when no backend could answer.
    public func targetHistory(of target: BanTarget, sinceNs: Int64? = nil, now: Int64) async throws(BanStoreError)
        -> TargetHistoryAnswer
    {
        let (offering, lacking) = try historyBackends()
        var answers = await outcomes(of: offering, "target_history") { backend throws(BackendCallError) in
            try backend.targetHistory(target, sinceNs: sinceNs, now: now)
        }
        answers.failed += lacking
        guard let merged = TargetHistoryAnswer.merging(answers) else { throw .noHistory(answers.failed) }
        return merged
    }

    /// The stored signals `query` selects, with all their bans, newest first.
    /// - Throws: ``BanStoreError/noHistory(_:)`` when no backend could answer.
    public func signals(_ query: SignalQuery, now: Int64) async throws(BanStoreError) -> SignalListing {
        let (readers, lacking) = try historyReaders(for: query)
        var reads = await outcomes(of: readers, "read_signals") { backend throws(BackendCallError) in
            try backend.readSignals(query, now: now)
        }
        guard !reads.succeeded.isEmpty else { throw .noHistory(reads.failed + lacking) }
        reads.failed += lacking
        return .merging(reads, limit: query.limit)
    }

    /// Deletes the signals `query` selects in every backend (CrowdSec's `DELETE /v1/alerts`
    /// and its `cscli alerts delete`): their live bans end now, each reported by the change
    /// feed, and the signals are no longer listed nor counted. How many signals each
    /// backend deleted.
    public func deleteSignals(matching query: SignalQuery, now: Int64) async throws(BanStoreError) -> BackendOutcomes<Int> {
        let doomed = try await signals(query, now: now).signals
        return await outcomes(of: try usableInstances(), "delete_signal") { backend throws(BackendCallError) in
            var count = 0
            for record in doomed { count += try backend.removeSignal(record, now: now) }
            return count
        }
    }

    /// Ends, in every backend, the live bans that meet `query`'s ban filters, in the
    /// signals it selects (CrowdSec's `DELETE /v1/decisions` and `DELETE /v1/decisions/:id`,
    /// as ``SignalQuery/banID``): deleting by an address with `containing` also ends the
    /// ranges that contain it, as CrowdSec does. The signals stay listed. How many bans
    /// each backend ended.
    public func deleteBans(matching query: SignalQuery, now: Int64) async throws(BanStoreError) -> BackendOutcomes<Int> {
        let doomed = try await signals(query.liveOnly, now: now).liveBans(matching: query, now: now)
        return await outcomes(of: try usableInstances(), "delete_ban") { backend throws(BackendCallError) in
            var count = 0
            for (record, index) in doomed { count += try backend.removeBan(index, of: record, now: now) }
            return count
        }
    }
}

extension SignalListing {
    /// Each live ban of the listed signals that meets `query`'s ban filters (and its
    /// `banID`), with its signal and index.
    func liveBans(matching query: SignalQuery, now: Int64) -> [(SignalRecord, Int)] {
        signals.flatMap { record in
            record.bans.indices.filter { i in
                let ban = record.bans[i]
                return ban.isLive(at: now) && query.banMatches(ban) && (query.banID.map { $0 == ban.id } ?? true)
            }.map { (record, $0) }
        }
    }
}

extension SignalQuery {
    /// The same query, for the signals that still have a live ban.
    var liveOnly: SignalQuery {
        var live = self
        live.activeOnly = true
        return live
    }
}
