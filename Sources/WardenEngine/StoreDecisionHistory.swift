import Logging
import WardenModel
import WardenProfiles
import WardenStore

/// The profiles' counting helpers (`GetDecisionsCount` and its siblings) answered by the
/// backends' `warden.history/1`: one indexed query per backend and call. Expressions run
/// synchronously on alert intake's profile thread, so each call blocks that thread (never
/// one of Swift's pool) until the backends' workers have answered.
/// A value that is no address or range, or a store that cannot answer, counts 0, as
/// CrowdSec's helpers answer 0 when their query fails; the failure is logged.
public struct StoreDecisionHistory: DecisionHistory {
    let store: BanStore
    let clock: @Sendable () -> Int64
    let logger: Logger

    public init(store: BanStore, clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public func decisionsCount(value: String) -> Int {
        history(of: value, since: nil).map { Int($0.banCount) } ?? 0
    }

    public func decisionsCount(value: String, since seconds: Int64) -> Int {
        history(of: value, since: seconds).map { Int($0.banCount) } ?? 0
    }

    public func activeDecisionsCount(value: String) -> Int {
        history(of: value, since: nil).map { Int($0.activeCount) } ?? 0
    }

    public func activeDecisionsTimeLeft(value: String) -> Int64 {
        history(of: value, since: nil).map { $0.timeLeftNs(now: clock()) / 1_000_000_000 } ?? 0
    }

    private func history(of value: String, since seconds: Int64?) -> TargetHistory? {
        let target: BanTarget
        do {
            target = value.contains("/") ? try BanTarget.parseRange(value) : try BanTarget.parseIP(value)
        } catch {
            return nil
        }
        let now = clock()
        do {
            let answer = try waitFor { [store] () async throws(BanStoreError) in
                try await store.targetHistory(of: target, sinceNs: seconds.map { now - $0 * 1_000_000_000 }, now: now)
            }
            for failure in answer.failed { logger.warning("decision history of \(value): \(failure)") }
            return answer.history
        } catch {
            logger.warning("decision history of \(value) unavailable, counted as 0: \(error)")
            return nil
        }
    }
}
