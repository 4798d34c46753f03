import Logging
import Synchronization
import WardenDecisions
import WardenModel
import WardenStore

/// Keeps the ``DecisionBook`` in step with the store: bans added or deleted by
/// `warden ban add` in another process, or by another node sharing a MariaDB, reach
/// bouncers within one interval (``Engine/followStore(every:)``). Follows the first
/// backend that answers, in the store's order (`BanStore.readers`), among those that hold
/// every ban (all of them, unless profiles' `outputs` leave some out): their row ids
/// differ, so the book follows one.
///
/// A backend with a change feed (`warden.changes/1`) is read from a cursor kept in
/// its storage: a snapshot once, then only what changed, so an idle round costs
/// almost nothing whatever the number of bans. A backend without one, a stale
/// cursor, or a switch to another backend means a full read, reconciled into the book.
///
/// What each refresh changed is counted as bans created and deleted, per origin and
/// backend, once the first refresh (what was stored before the daemon started) is in.
final class StoreSync: Sendable {
    private let store: BanStore
    /// The backends it may follow (nil: every one).
    private let followable: Set<String>?
    private let book: DecisionBook
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let metrics: (any EngineMetrics)?
    /// Whether a refresh succeeded once: later ones count what they change.
    private let primed = Mutex(false)
    /// The backend whose feed the book follows, and the cursor of its next read.
    private let feed = Mutex<(backend: String, cursor: Int64)?>(nil)
    /// One refresh at a time. Two at once (the timer's and one after an alert is stored)
    /// read the same changes from the same cursor and both apply them: an import's 100k
    /// rows were converted twice, each run slowing the other.
    private let gate = AsyncGate()

    init(
        store: BanStore, book: DecisionBook, followable: Set<String>? = nil, metrics: (any EngineMetrics)?,
        clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.store = store
        self.followable = followable
        self.metrics = metrics
        self.book = book
        self.clock = clock
        self.logger = logger
    }

    /// One refresh from the first backend that answers. Returns whether one answered.
    @discardableResult
    func syncOnce() async -> Bool {
        await gate.run { await refreshFromFirstAnswering() }
    }

    private func refreshFromFirstAnswering() async -> Bool {
        for backend in store.readers.map(\.name) where followable?.contains(backend) ?? true {
            do {
                try await refresh(from: backend)
                return true
            } catch let error as BanStoreError {
                logger.warning("cannot refresh the decisions: \(error)")
                return false
            } catch {
                feed.withLock { $0 = nil }
                logger.warning("cannot refresh the decisions from \(backend): \(error); trying the next backend")
            }
        }
        return false
    }

    /// Reads what changed in `backend` since the cursor (a snapshot when the book does not
    /// follow its feed yet, or the cursor went stale), or everything when it has no feed.
    private func refresh(from backend: String) async throws {
        let followed = feed.withLock { $0 }
        var cursor = followed?.backend == backend ? followed!.cursor : 0
        let read: BanChanges?
        do {
            read = try await store.changes(from: backend, since: cursor)
        } catch let error as BackendFailure where error.isStaleCursor {
            logger.info("\(error); reading every decision again")
            cursor = 0
            read = try await store.changes(from: backend, since: 0)
        }
        let now = clock()
        guard let read else {
            try await readEverything(from: backend, now: now)
            return
        }
        let update = read.isSnapshot
            ? book.reconcile(with: read.changes.compactMap { if case .added(let ban) = $0 { ban } else { nil } }, now: now)
            : book.apply(read.changes, now: now)
        feed.withLock { $0 = (backend, read.cursor) }
        count(update, in: backend)
        if !update.events.isEmpty || read.isSnapshot {
            let how = read.isSnapshot ? "snapshot" : "changes since \(cursor)"
            logger.debug("decisions refreshed from \(backend) (\(how)): \(update.added) new, \(update.removed) gone, \(book.count) active")
        }
    }

    /// A full read of a backend without a change feed, reconciled into the book.
    private func readEverything(from backend: String, now: Int64) async throws {
        let listing = try await store.list(BanQuery(backend: backend), now: now)
        if let failure = listing.failed.first { throw failure }
        feed.withLock { $0 = nil }
        let update = book.reconcile(with: listing.everyBan, now: now)
        count(update, in: backend)
        if !update.events.isEmpty {
            logger.debug("decisions refreshed from \(backend): \(update.added) new, \(update.removed) gone, \(book.count) active")
        }
    }

    /// Counts the bans `update` created and deleted, per origin, unless it is the first refresh.
    private func count(_ update: BookUpdate, in backend: String) {
        guard primed.withLock({ primed in defer { primed = true }; return primed }) else { return }
        var created: [String: Int] = [:], deleted: [String: Int] = [:]
        for event in update.events {
            switch event {
            case .added(let decision): created[decision.origin, default: 0] += 1
            case .removed(let decision): deleted[decision.origin, default: 0] += 1
            }
        }
        for (origin, count) in created { metrics?.bansCreated(origin: origin, backend: backend, count: count) }
        for (origin, count) in deleted { metrics?.bansDeleted(origin: origin, backend: backend, count: count) }
    }
}
