import WardenModel

/// The answer to a ``SignalQuery`` across backends: each signal once (the replicas
/// other backends hold of it are merged away, the first backend in load order wins,
/// so its ids are the ones shown), newest first; whether the limit cut the list; and
/// the backends that could not answer, those lacking `warden.history/1` included
/// (``BackendFailure/isHistoryUnsupported``).
public struct SignalListing: Sendable {
    public var signals: [SignalRecord]
    /// More signals matched than the query's limit.
    public var truncated: Bool
    public var failed: [BackendFailure]

    public init(signals: [SignalRecord], truncated: Bool, failed: [BackendFailure]) {
        self.signals = signals
        self.truncated = truncated
        self.failed = failed
    }

    /// Merges what each backend returned, in load order.
    static func merging(_ reads: BackendOutcomes<[SignalRecord]>, limit: Int?) -> SignalListing {
        var seen: Set<SignalRecord.ReplicaKey> = []
        var signals: [SignalRecord] = []
        for record in reads.succeeded.lazy.flatMap(\.value) where seen.insert(record.replicaKey).inserted {
            signals.append(record)
        }
        signals.sort { $0.createdNs != $1.createdNs ? $0.createdNs > $1.createdNs : $0.id > $1.id }
        var truncated = limit.map { limit in reads.succeeded.contains { $0.value.count >= limit } } ?? false
        if let limit, signals.count > limit {
            signals.removeLast(signals.count - limit)
            truncated = true
        }
        return SignalListing(signals: signals, truncated: truncated, failed: reads.failed)
    }
}

/// The history of a target across backends: the backends hold replicas of the same
/// bans, so each figure is the largest any backend gave (one that missed a write
/// counts less, never more); and the backends that could not answer.
public struct TargetHistoryAnswer: Sendable {
    public var history: TargetHistory
    public var failed: [BackendFailure]

    /// Merges the answers of the backends that gave one; nil when none did.
    static func merging(_ answers: BackendOutcomes<TargetHistory>) -> TargetHistoryAnswer? {
        guard !answers.succeeded.isEmpty else { return nil }
        let values = answers.succeeded.map(\.value)
        let history = TargetHistory(
            banCount: values.map(\.banCount).max()!, activeCount: values.map(\.activeCount).max()!,
            activeUntilNs: values.compactMap(\.activeUntilNs).max())
        return TargetHistoryAnswer(history: history, failed: answers.failed)
    }
}
