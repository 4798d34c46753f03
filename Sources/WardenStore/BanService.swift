import Synchronization
import WardenBackendHost
import WardenModel

/// The ban store for async callers (the daemon's request handlers): the same
/// operations as ``BanStore``, each backend called on its own ``SerialWorker``
/// thread, every backend at once. A slow or locked backend delays only the answers
/// that need it, never the caller's executor.
public final class BanService: Sendable {
    /// Told of each call into a backend once it returned: the backend's name, the
    /// operation (`insert`, `read`, `changes`, `delete`, `delete_all`, `shutdown`), the
    /// time the backend took (not the wait for its worker) and whether it failed.
    public typealias CallObserver = @Sendable (
        _ backend: String, _ operation: String, _ duration: Duration, _ failed: Bool
    ) -> Void

    /// The loaded backends, their configs and the discarded ones.
    public let store: BanStore
    let workers: [ObjectIdentifier: SerialWorker]
    private let isShutDown = Mutex(false)
    private let observer: CallObserver?

    /// Starts one worker thread per loaded backend. `observer` (the daemon's metrics)
    /// hears of every backend call.
    public init(store: BanStore, observer: CallObserver? = nil) {
        self.store = store
        self.observer = observer
        var workers: [ObjectIdentifier: SerialWorker] = [:]
        for backend in store.backends {
            workers[ObjectIdentifier(backend)] = SerialWorker(label: "backend \"\(backend.name)\"")
        }
        self.workers = workers
    }

    /// Inserts `signal` into every backend and flushes each.
    public func add(_ signal: SignalOrder) async throws(BanStoreError) -> BackendOutcomes<Void> {
        await outcomes(of: try usableBackends(), "insert") { backend throws(BackendCallError) in try backend.record(signal) }
    }

    /// Inserts, into each backend named in `plan`, its signals in order, then flushes it:
    /// how alert intake stores a batch where it is missing (a retried batch goes only
    /// where it did not land). Per backend: how many of its signals were stored (always
    /// a prefix), and the error that stopped it. A failed flush counts none as stored, so
    /// a retry may store a signal twice rather than lose it.
    ///
    /// The backend named `idsFrom` is asked for the id each signal gets (`insert_signal`),
    /// when it offers that: a Local API answers a client with the ids its reads will show.
    public func add(plan: [String: [SignalOrder]], idsFrom: String? = nil) async throws(BanStoreError) -> [SignalBatchOutcome] {
        let backends = try usableBackends().filter { plan[$0.name] != nil }
        let outcomes = await outcomes(of: backends, "insert") { backend in
            let signals = plan[backend.name]!
            var stored = 0
            var ids: [Int64]? = backend.name == idsFrom ? [] : nil
            do throws(BackendCallError) {
                for signal in signals {
                    if ids != nil, let id = try backend.insertReturningID(signal) {
                        ids?.append(id)
                    } else {
                        ids = nil  // not offered: the signal was not inserted yet
                        try backend.insert(signal)
                    }
                    stored += 1
                }
                try backend.flush()
                return SignalBatchOutcome(backend: backend.name, stored: stored, ids: ids, error: nil)
            } catch {
                let kept = stored == signals.count ? 0 : stored
                return SignalBatchOutcome(backend: backend.name, stored: kept, ids: ids.map { Array($0.prefix(kept)) }, error: error)
            }
        }
        return outcomes.succeeded.map(\.value)
    }

    /// The bans matching `query` (see ``BanStore/list(_:now:)``).
    public func list(_ query: BanQuery, now: Int64) async throws(BanStoreError) -> BanListing {
        try checkOpen()
        let at = query.at ?? now
        let reads = await outcomes(of: try store.backends(for: query), "read") { backend throws(BackendCallError) in
            try backend.read(query, at: at)
        }
        return .merging(reads, limit: query.limit)
    }

    /// What changed in `backend`'s storage since `cursor` (0: a snapshot), read on its
    /// worker; nil when it has no change feed. See ``LoadedBackend/changes(since:)``.
    /// - Throws: ``BanStoreError/shutDown`` once shut down, else the backend's
    ///   ``BackendCallError`` (``BackendCallError/isStaleCursor``: read again from 0).
    public func changes(from backend: LoadedBackend, since cursor: Int64) async throws -> BanChanges? {
        try checkOpen()
        return try await workers[ObjectIdentifier(backend)]!.run { () throws(BackendCallError) in
            try self.observed(backend, "changes") { () throws(BackendCallError) in try backend.changes(since: cursor) }
        }
    }

    /// Deletes the live ban of `target` in every backend; how many each removed.
    public func delete(target: String) async throws(BanStoreError) -> BackendOutcomes<Int> {
        await outcomes(of: try usableBackends(), "delete") { backend throws(BackendCallError) in
            try backend.remove(target: target)
        }
    }

    /// Deletes every live ban in every backend; how many each removed.
    public func deleteAll() async throws(BanStoreError) -> BackendOutcomes<Int> {
        await outcomes(of: try usableBackends(), "delete_all") { backend throws(BackendCallError) in try backend.removeAll() }
    }

    /// Refuses new calls, lets every queued call finish, then shuts every backend
    /// down (each commits what is pending). Returns the backends' shutdown errors.
    /// Idempotent: later calls return no error.
    public func shutdown() async -> [BackendCallError] {
        guard isShutDown.withLock({ done in defer { done = true }; return !done }) else { return [] }
        let outcomes = await outcomes(of: store.backends, "shutdown") { backend throws(BackendCallError) in
            try backend.shutdown()
        }
        for worker in workers.values { worker.stop() }
        return outcomes.failed
    }

    /// Runs one backend call, timing it for the observer (when there is one).
    func observed<Value>(
        _ backend: LoadedBackend, _ operation: String, _ call: () throws(BackendCallError) -> Value
    ) throws(BackendCallError) -> Value {
        guard let observer else { return try call() }
        let start = ContinuousClock.now
        do {
            let value = try call()
            observer(backend.name, operation, ContinuousClock.now - start, false)
            return value
        } catch {
            observer(backend.name, operation, ContinuousClock.now - start, true)
            throw error
        }
    }

    func checkOpen() throws(BanStoreError) {
        if isShutDown.withLock({ $0 }) { throw .shutDown }
    }

    func usableBackends() throws(BanStoreError) -> [LoadedBackend] {
        try checkOpen()
        return try store.requireBackends()
    }

    /// Runs `body` (the call `operation`) on each backend's worker, all at once; outcomes in load order.
    func outcomes<Value: Sendable>(
        of backends: [LoadedBackend], _ operation: String,
        _ body: @escaping @Sendable (LoadedBackend) throws(BackendCallError) -> Value
    ) async -> BackendOutcomes<Value> {
        let results = AnswerSlots<Value>(count: backends.count)
        await withTaskGroup(of: Void.self) { group in
            for (index, backend) in backends.enumerated() {
                let worker = workers[ObjectIdentifier(backend)]!
                group.addTask {
                    let result: Result<Value, BackendCallError>
                    do throws(BackendCallError) {
                        result = .success(
                            try await worker.run { () throws(BackendCallError) in
                                try self.observed(backend, operation) { () throws(BackendCallError) in try body(backend) }
                            })
                    } catch {
                        result = .failure(error)
                    }
                    results.slots.withLock { $0[index] = result }
                }
            }
        }
        var outcomes = BackendOutcomes<Value>()
        for (backend, result) in zip(backends, results.slots.withLock { $0 }) { outcomes.record(result!, from: backend.name) }
        return outcomes
    }
}

/// What ``BanService/add(plan:)`` did in one backend.
public struct SignalBatchOutcome: Sendable {
    public var backend: String
    /// How many of the backend's signals were stored, from the first.
    public var stored: Int
    /// The ids the stored signals got (0 for one without bans), when the backend was asked
    /// for them and offers `insert_signal`; nil otherwise.
    public var ids: [Int64]?
    /// Why it stopped, when it did not store them all.
    public var error: BackendCallError?
}

/// One slot per backend for the answers of ``BanService``'s calls, filled by the
/// child tasks in any order and read in load order once all have ended.
private final class AnswerSlots<Value: Sendable>: Sendable {
    let slots: Mutex<[Result<Value, BackendCallError>?]>

    init(count: Int) {
        slots = Mutex([Result<Value, BackendCallError>?](repeating: nil, count: count))
    }
}
