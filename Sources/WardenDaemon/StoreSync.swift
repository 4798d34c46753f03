import Logging
import ServiceLifecycle
import WardenAPI
import WardenModel
import WardenStore

/// Keeps the ``DecisionBook`` in step with the store: bans added or deleted by
/// `warden ban add` in another process, or by another node sharing a MariaDB, reach
/// bouncers within one interval. Reads the first backend that answers, in load order
/// (backends are written alike; their row ids differ, so the book follows one).
final class StoreSync: Service {
    private let service: BanService
    private let book: DecisionBook
    private let interval: Duration
    private let clock: @Sendable () -> Int64
    private let logger: Logger

    init(service: BanService, book: DecisionBook, interval: Duration, clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.service = service
        self.book = book
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// One full read of the first backend that answers, reconciled into the book.
    /// Returns whether a backend answered.
    @discardableResult
    func syncOnce() async -> Bool {
        for backend in service.store.backends.map(\.name) {
            let now = clock()
            do {
                let listing = try await service.list(BanQuery(backend: backend), now: now)
                if let failure = listing.failed.first {
                    logger.warning("cannot refresh the decisions from \(backend): \(failure); trying the next backend")
                    continue
                }
                let (added, removed) = book.reconcile(with: listing.bans, now: now)
                if added + removed > 0 {
                    logger.debug("decisions refreshed from \(backend): \(added) new, \(removed) gone, \(book.count) active")
                }
                return true
            } catch {
                logger.warning("cannot refresh the decisions: \(error)")
                return false
            }
        }
        return false
    }

    /// Refreshes every interval until graceful shutdown or cancellation.
    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: self.interval)
                await self.syncOnce()
            }
        }
    }
}
