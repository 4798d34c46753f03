import WardenModel

/// The answer to a ``BanQuery``: the matching bans, one per target (what is
/// enforced: the one that ends last), newest first; how many live bans each target
/// has; every ban read; whether more matched than the limit let through; and the
/// backends that could not answer (the listing then comes from the others).
public struct BanListing: Sendable {
    public var bans: [Ban]
    /// Per target, how many live bans it has (ABI 1.2 keeps several; the most any one backend holds).
    public var liveCounts: [String: Int]
    /// Every ban each backend returned, several per target included (a full read of one backend).
    public var everyBan: [Ban]
    /// More bans matched than `limit`.
    public var truncated: Bool
    /// Backends that failed to read; their bans are missing from ``bans``.
    public var failed: [BackendFailure]

    public init(
        bans: [Ban], liveCounts: [String: Int] = [:], everyBan: [Ban] = [], truncated: Bool, failed: [BackendFailure]
    ) {
        self.bans = bans
        self.liveCounts = liveCounts
        self.everyBan = everyBan
        self.truncated = truncated
        self.failed = failed
    }

    /// Merges what each backend returned for `query`: one ban per target (the one
    /// that ends last wins), newest first, then by target; at most `query.limit`.
    static func merging(_ reads: BackendOutcomes<BackendRead>, limit: Int?) -> BanListing {
        var byTarget: [String: Ban] = [:]
        var liveCounts: [String: Int] = [:]
        for read in reads.succeeded {
            var counts: [String: Int] = [:]
            for ban in read.value.bans {
                counts[ban.target, default: 0] += 1
                if let kept = byTarget[ban.target], kept.untilNs >= ban.untilNs { continue }
                byTarget[ban.target] = ban
            }
            liveCounts.merge(counts) { max($0, $1) }
        }
        var bans = byTarget.values.sorted {
            $0.createdNs != $1.createdNs ? $0.createdNs > $1.createdNs : $0.target < $1.target
        }
        var truncated = reads.succeeded.contains { $0.value.stoppedEarly }
        if let limit, bans.count > limit {
            bans.removeLast(bans.count - limit)
            truncated = true
        }
        return BanListing(
            bans: bans, liveCounts: liveCounts, everyBan: reads.succeeded.flatMap(\.value.bans), truncated: truncated,
            failed: reads.failed)
    }
}

/// What one backend returned for a query: the matching bans it streamed, and
/// whether it was asked to stop before its last row.
struct BackendRead: Sendable {
    var bans: [Ban]
    var stoppedEarly: Bool
}
