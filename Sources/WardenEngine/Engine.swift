import Logging
import WardenAllowlist
import WardenModel
import WardenStore

/// The rules of a ban, in one place. Every front end (the CLI, the Local API, a
/// migration tool) writes and reads bans through an engine and so gets every rule:
/// the allowlist on the write path, signals built by ``Signals``, the one order in
/// which backends answer reads and ids (the store's `readers`), and, in the daemon, the decision
/// book kept in step with the store after each write (``book``).
///
/// Async and `Sendable`; a one-shot command calls it through ``BanStore``'s
/// blocking wrapper (see ``waitFor(_:)``).
public final class Engine: Sendable {
    /// The store every write and read goes to.
    public let store: BanStore
    /// What no ban may cover.
    public let allowlist: any AllowlistSource
    public let clock: @Sendable () -> Int64
    /// The decisions bouncers see and the work that keeps them fresh; nil in a one-shot command.
    public let book: DecisionBook?
    let sync: StoreSync?
    let metrics: (any EngineMetrics)?
    let logger: Logger

    /// - Parameters:
    ///   - followsStore: keep a decision book in step with the store (the daemon): it is
    ///     refreshed after every write, before the write returns, and by ``StoreSync``.
    ///   - followable: the backends the book may follow, when not every one holds every ban
    ///     (profiles' `outputs`: ``ProfileDecider/backendsStoringEveryAlert(among:)``); it
    ///     follows the first of the store's `readers` among them that answers.
    ///   - metrics: what the engine counts, when given.
    public init(
        store: BanStore, allowlist: any AllowlistSource, clock: @escaping @Sendable () -> Int64,
        followsStore: Bool = false, followable: [String]? = nil, metrics: (any EngineMetrics)? = nil, logger: Logger
    ) {
        self.store = store
        self.allowlist = allowlist
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        if followsStore {
            let book = DecisionBook()
            self.book = book
            sync = StoreSync(
                store: store, book: book, followable: followable.map(Set.init), metrics: metrics, clock: clock,
                logger: logger)
        } else {
            book = nil
            sync = nil
        }
    }

    /// The refusal for a ban on `target` at `now`, when an allowlist entry shares an
    /// address with it: the one allowlist rule every path applies.
    /// - Throws: why the allowlist cannot be read: then nothing may be banned.
    public func refusal(for target: BanTarget, at now: Int64) throws -> AllowlistRefusal? {
        try Self.refusal(for: target, at: now, in: allowlist)
    }

    /// ``refusal(for:at:)`` against `allowlist`, for a plan checked before an engine is
    /// opened (an import refuses bad rows before any backend is loaded).
    public static func refusal(
        for target: BanTarget, at now: Int64, in allowlist: any AllowlistSource
    ) throws -> AllowlistRefusal? {
        try allowlist.entry(meeting: target, at: now).map { AllowlistRefusal(target: target, entry: $0, file: allowlist.path) }
    }

    /// Records `ban` in every backend (flushed) at the engine's now.
    /// - Throws: ``AllowlistRefusal`` when the allowlist covers it (nothing written);
    ///   ``BanStoreError`` when no backend can take it.
    /// - Returns: where it landed, and when it was recorded.
    public func ban(_ ban: ManualBan) async throws -> (outcomes: BackendOutcomes<Void>, at: Int64) {
        let now = clock()
        if let refusal = try refusal(for: ban.target, at: now) { throw refusal }
        let outcomes = try await store.add(Signals.manual(ban, at: now))
        await changed()
        return (outcomes, now)
    }

    /// Records every ban of an import from `file` as one signal in every backend (flushed).
    /// - Throws: ``AllowlistRefusal`` for the first ban the allowlist covers (nothing
    ///   written: a plan checks its rows with ``refusal(for:at:)`` first);
    ///   ``BanStoreError`` when no backend can take it.
    public func importBans(_ bans: [ManualBan], file: String) async throws -> BackendOutcomes<Void> {
        let now = clock()
        for ban in bans { if let refusal = try refusal(for: ban.target, at: now) { throw refusal } }
        let outcomes = try await store.add(Signals.imported(bans, file: file, at: now))
        await changed()
        return outcomes
    }

    /// Records signals taken over from another Local API's database, all in one batch, in
    /// every backend (flushed). The caller checks each ban against the allowlist first
    /// (``refusal(for:at:)``) and leaves out what it refuses.
    /// - Throws: ``AllowlistRefusal`` for a ban the allowlist covers (nothing written);
    ///   ``BanStoreError`` when no backend can take them.
    /// - Returns: per backend, how many of the signals it stored (all, or a prefix and why not).
    public func migrate(_ signals: [SignalOrder]) async throws -> [SignalBatchOutcome] {
        let now = clock()
        for signal in signals {
            for ban in signal.bans { if let refusal = try refusal(for: ban.target, at: now) { throw refusal } }
        }
        let names = store.backends.map(\.name)
        let outcomes = try await store.add(plan: Dictionary(uniqueKeysWithValues: names.map { ($0, signals) }))
        await changed()
        return outcomes
    }

    /// The bans matching `query` (the engine's now when it has no time).
    public func list(_ query: BanQuery) async throws(BanStoreError) -> BanListing {
        try await store.list(query, now: clock())
    }

    /// Ends every live ban of `target` in every backend; how many each ended.
    public func delete(target: BanTarget) async throws(BanStoreError) -> BackendOutcomes<Int> {
        let outcomes = try await store.delete(target: target.description)
        await changed()
        return outcomes
    }

    /// Ends every live ban in every backend; how many each ended.
    public func deleteAll() async throws(BanStoreError) -> BackendOutcomes<Int> {
        let outcomes = try await store.deleteAll()
        await changed()
        return outcomes
    }

    /// Brings the decision book in step with the store (when the engine keeps one).
    public func changed() async {
        await sync?.syncOnce()
    }

    /// Keeps the decision book fresh every `interval` until the task is cancelled: bans
    /// written by another process or another node reach bouncers within one interval.
    public func followStore(every interval: Duration) async throws {
        guard let sync else { return }
        while true {
            try await Task.sleep(for: interval)
            await sync.syncOnce()
        }
    }

    /// Lets queued work finish, then shuts every backend down; their failures.
    public func shutdown() async -> [BackendFailure] {
        await store.shutdown()
    }
}
