import WardenBackendHost
import WardenModel

/// The answer to a ``BanQuery``: the matching bans, one per target, newest first;
/// whether more matched than the limit let through; and the backends that could not
/// answer (the listing then comes from the others).
public struct BanListing: Sendable {
    public var bans: [Ban]
    /// More bans matched than `limit`.
    public var truncated: Bool
    /// Backends that failed to read; their bans are missing from ``bans``.
    public var failed: [BackendCallError]

    public init(bans: [Ban], truncated: Bool, failed: [BackendCallError]) {
        self.bans = bans
        self.truncated = truncated
        self.failed = failed
    }

    /// Merges what each backend returned for `query`: one ban per target (the one
    /// that ends last wins), newest first, then by target; at most `query.limit`.
    static func merging(_ reads: BackendOutcomes<BackendRead>, limit: Int?) -> BanListing {
        var byTarget: [String: Ban] = [:]
        for ban in reads.succeeded.lazy.flatMap(\.value.bans) {
            if let kept = byTarget[ban.target], kept.untilNs >= ban.untilNs { continue }
            byTarget[ban.target] = ban
        }
        var bans = byTarget.values.sorted {
            $0.createdNs != $1.createdNs ? $0.createdNs > $1.createdNs : $0.target < $1.target
        }
        var truncated = reads.succeeded.contains { $0.value.stoppedEarly }
        if let limit, bans.count > limit {
            bans.removeLast(bans.count - limit)
            truncated = true
        }
        return BanListing(bans: bans, truncated: truncated, failed: reads.failed)
    }
}

/// What one backend returned for a query: the matching bans it streamed, and
/// whether it was asked to stop before its last row.
struct BackendRead: Sendable {
    var bans: [Ban]
    var stoppedEarly: Bool
}
