import WardenBackendHost
import WardenModel

/// The store's history operations on one backend, each complete on its own: a
/// delete is flushed before it returns.
extension LoadedBackend {
    /// This backend's copy of `record` (inserted into every backend, with other ids
    /// here), found by its creation time, scenario, first target and replica key.
    func replica(of record: SignalRecord, now: Int64) throws(BackendCallError) -> SignalRecord? {
        if record.backend == name { return record }
        let query = SignalQuery(
            target: record.bans.first.flatMap { BanTarget(storedText: $0.target) }, scenario: record.scenario,
            createdAfter: record.createdNs - 1, createdBefore: record.createdNs + 1)
        return try readSignals(query, now: now).first { $0.replicaKey == record.replicaKey }
    }

    /// Deletes this backend's copy of `record` and flushes; how many signals it deleted
    /// (0 or 1). Without `warden.history/1`, ends the live bans of the record's targets
    /// instead (`delete_target`), so the bans stop here too, and counts 1 when it ended any.
    func removeSignal(_ record: SignalRecord, now: Int64) throws(BackendCallError) -> Int {
        guard offersHistory else {
            var ended = 0
            for ban in record.bans where ban.isLive(at: now) { ended += try delete(target: ban.target) }
            try flush()
            return ended > 0 ? 1 : 0
        }
        guard let copy = try replica(of: record, now: now) else { return 0 }
        let count = try deleteSignal(id: copy.id)
        try flush()
        return count
    }

    /// Ends this backend's copy of ban `index` of `record` and flushes; 1, or 0 when it
    /// was not live. Without `warden.history/1`, ends the live ban of its target instead.
    func removeBan(_ index: Int, of record: SignalRecord, now: Int64) throws(BackendCallError) -> Int {
        let ban = record.bans[index]
        guard offersHistory else {
            let count = ban.isLive(at: now) ? try delete(target: ban.target) : 0
            try flush()
            return count
        }
        guard let copy = try replica(of: record, now: now) else { return 0 }
        let count = try deleteBan(id: copy.bans[index].id)
        try flush()
        return count
    }
}
