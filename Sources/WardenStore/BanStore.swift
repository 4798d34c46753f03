import Logging
import Synchronization
import WardenBackendHost
import WardenConfig
import WardenBasics
import WardenModel

/// Every backend loaded from the backend folder, driven as one store: writes go to
/// all of them, reads are merged to one row per target. The only store: async and
/// `Sendable`, with ``waitFor(_:)`` as the thin blocking wrapper for callers that
/// cannot await (the CLI).
///
/// How calls run depends on ``Execution``: in the daemon each backend has a thread of
/// its own (a ``SerialWorker``), so a slow or locked backend delays only the answers
/// that need it, never Swift's pool or an event loop; in a one-shot command each call
/// runs where the caller runs (under ``waitFor(_:)``, the CLI's main thread), one backend
/// after the other, with no thread started.
/// Either way calls into one backend are serialized, as the ABI promises.
///
/// Nothing above the store sees the loader: failures come back as ``BackendFailure``,
/// what a backend is as ``BackendSummary``.
public final class BanStore: Sendable {
    /// How the store runs backend calls.
    public enum Execution: Sendable {
        /// Where the caller runs (under ``waitFor(_:)``, the thread blocked in it), backends
        /// in turn: a one-shot command.
        case callerThread
        /// One worker thread per backend, every backend at once: the daemon. `observer`
        /// hears of every backend call. With a `deadline`, a caller waits that long for a
        /// backend's answer and then gets a `WARDEN_E_BUSY` failure naming it, so one hung
        /// backend cannot hold requests that other backends could answer; its call goes
        /// on, and calls queued behind it that nobody waits for any more are skipped.
        /// Writes of signals (`insert` and its `flush`) and `shutdown` always wait: alert intake bounds
        /// its own wait and must learn how the write ended.
        case workers(observer: CallObserver?, deadline: Duration? = nil)
    }

    /// A call a backend's worker is running now.
    public struct RunningCall: Sendable, Equatable {
        public var backend: String
        public var operation: String
        public var started: ContinuousClock.Instant
    }

    /// Told of each call into a backend once it returned: the backend's name, the
    /// operation (`insert`, `read`, `changes`, `delete`, `delete_all`, `shutdown`, …),
    /// the time the backend took (not the wait for its worker) and whether it failed.
    public typealias CallObserver = @Sendable (
        _ backend: String, _ operation: String, _ duration: Duration, _ failed: Bool
    ) -> Void

    /// A backend that was configured but could not be loaded or initialised.
    public struct Discarded: Sendable {
        public var config: BackendConfigFile
        /// Why, in the loader's words.
        public var reason: String
    }

    /// The environment variable that turns the plugin file checks off (development builds).
    public static let allowUnsafeVariable = BackendLoadError.allowUnsafeVariable

    /// The loaded instances, in load order: for tools that drive the ABI itself (the
    /// benchmark, the conformance suite). Everything else goes through the store's calls.
    public let instances: [LoadedBackend]
    /// What each loaded backend is, in load order.
    public let backends: [BackendSummary]
    public let discarded: [Discarded]
    /// The backend configs, in load order (loaded and discarded).
    public let configs: [BackendConfigFile]
    public let folder: String
    /// One per instance, in the same order, with ``Execution/workers(observer:)``.
    let workers: [SerialWorker]?
    /// One per instance, in the same order: the flushes that intake's batches share.
    let commits: [GroupCommit]
    let observer: CallObserver?
    /// How long a caller waits for a backend's answer (``Execution/workers(observer:deadline:)``).
    let deadline: Duration?
    /// The call each backend's worker is in, by backend name.
    private let running = Mutex<[String: RunningCall]>([:])
    private let isShutDown = Mutex(false)

    public init(
        instances: [LoadedBackend], discarded: [Discarded], configs: [BackendConfigFile], folder: String,
        execution: Execution = .callerThread
    ) {
        self.instances = instances
        let paths = Dictionary(configs.map { ($0.name, $0.libraryPath) }, uniquingKeysWith: { first, _ in first })
        backends = instances.map { BackendSummary($0, path: paths[$0.name] ?? $0.library.path) }
        self.discarded = discarded
        self.configs = configs
        self.folder = folder
        commits = instances.map { _ in GroupCommit() }
        switch execution {
        case .callerThread:
            workers = nil
            observer = nil
            deadline = nil
        case .workers(let observer, let deadline):
            workers = instances.map { SerialWorker(label: "backend \"\($0.name)\"") }
            self.observer = observer
            self.deadline = deadline
        }
    }

    /// Loads every backend of the main config's folder. A backend that fails to
    /// load or to `init` is discarded with a warning; the others go on.
    /// - Parameter sweepsExpiredBans: whether the backends' own background work marks
    ///   ended bans expired (the daemon: true; a one-shot CLI command: false), passed
    ///   as the config key `flush` (its legacy name) unless a file sets it.
    /// - Throws: ``ConfigError`` when a backend YAML file is invalid.
    public static func open(
        _ main: MainConfig, sweepsExpiredBans: Bool, logger: Logger, clock: @escaping @Sendable () -> Int64,
        allowUnsafeFiles: Bool, execution: Execution = .callerThread, events: LoadedBackend.BackendEvents? = nil
    ) throws(ConfigError) -> BanStore {
        let configs: [BackendConfigFile]
        do {
            configs = try BackendConfigFile.loadAll(in: main.backendFolder)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(file: main.backendFolder, line: nil, "\(error)")
        }
        var loaded: [LoadedBackend] = []
        var discarded: [Discarded] = []
        var injected = main.injected
        injected["flush"] = sweepsExpiredBans ? "true" : "false"
        for config in configs {
            do {
                loaded.append(try load(config, injected: injected, logger: logger, clock: clock,
                                       allowUnsafeFiles: allowUnsafeFiles, events: events))
            } catch {
                logger.warning("\(error); backend \"\(config.name)\" discarded")
                discarded.append(Discarded(config: config, reason: error.description))
            }
        }
        return BanStore(
            instances: loaded, discarded: discarded, configs: configs, folder: main.backendFolder, execution: execution)
    }

    /// Opens the library, creates the instance and calls `init` with the config map
    /// plus `injected` keys the file does not set.
    public static func load(
        _ config: BackendConfigFile, injected: [String: String], logger: Logger,
        clock: @escaping @Sendable () -> Int64, allowUnsafeFiles: Bool, events: LoadedBackend.BackendEvents? = nil
    ) throws(BackendLoadError) -> LoadedBackend {
        let library = try BackendLibrary.open(config.libraryPath, allowUnsafeFiles: allowUnsafeFiles)
        let backend = try LoadedBackend(name: config.name, library: library, logger: logger, clock: clock, events: events)
        do {
            try backend.configure(config.config.merging(injected) { own, _ in own })
        } catch {
            throw BackendLoadError(
                path: config.libraryPath,
                reason: .initFailed(name: config.name, status: error.status, message: error.message))
        }
        return backend
    }

    /// Loads the library at `path` and creates an instance (`New`) without configuring
    /// it: what `warden backends check` reports.
    /// - Throws: ``InputError`` with the loader's refusal: which check failed, and what to do.
    public static func inspect(
        libraryAt path: String, logger: Logger, clock: @escaping @Sendable () -> Int64, allowUnsafeFiles: Bool
    ) throws(InputError) -> BackendSummary {
        do {
            let library = try BackendLibrary.open(path, allowUnsafeFiles: allowUnsafeFiles)
            return BackendSummary(try LoadedBackend(name: "check", library: library, logger: logger, clock: clock), path: path)
        } catch {
            throw InputError(error.description)
        }
    }

    /// Throws when no backend is loaded.
    public func requireBackends() throws(BanStoreError) {
        _ = try loadedInstances()
    }

    /// The loaded instances, or an error when there is none.
    func loadedInstances() throws(BanStoreError) -> [LoadedBackend] {
        guard !instances.isEmpty else { throw .noBackend(folder: folder, discarded: discarded.count) }
        return instances
    }

    /// Asks every backend to commit pending writes on its own schedule (the daemon);
    /// the failures of those that cannot (their writes then commit at each flush only).
    public func startAutoCommit() -> [BackendFailure] {
        instances.compactMap { backend -> BackendFailure? in
            do throws(BackendCallError) { try backend.startAutoCommit(); return nil } catch { return BackendFailure(error) }
        }
    }

    /// The loaded instance called `name`.
    /// - Throws: ``BanStoreError/badInput(_:)`` with a "did you mean" suggestion when there is none.
    func instance(named name: String) throws(BanStoreError) -> LoadedBackend {
        if let instance = instances.first(where: { $0.name == name }) { return instance }
        let known = configs.map(\.name)
        if discarded.contains(where: { $0.config.name == name }) {
            throw .badInput(InputError("backend '\(name)' was discarded at load time (see the warnings above)"))
        }
        var message = "no backend named '\(name)'"
        if let guess = closestMatch(to: name, in: known) { message += "; did you mean '\(guess)'?" }
        else if !known.isEmpty { message += "; known backends: \(known.joined(separator: ", "))" }
        throw .badInput(InputError(message))
    }

    /// Refuses new calls, lets every queued call finish, then shuts every backend
    /// down (each commits what is pending). Returns the backends' shutdown failures.
    /// Idempotent: later calls return no failure.
    public func shutdown() async -> [BackendFailure] {
        guard isShutDown.withLock({ done in defer { done = true }; return !done }) else { return [] }
        let outcomes = await outcomes(of: instances, "shutdown") { backend throws(BackendCallError) in
            try backend.shutdown()
        }
        for worker in workers ?? [] { worker.stop() }
        return outcomes.failed
    }

    func checkOpen() throws(BanStoreError) {
        if isShutDown.withLock({ $0 }) { throw .shutDown }
    }

    /// The loaded instances, once checked that the store is open and has some.
    func usableInstances() throws(BanStoreError) -> [LoadedBackend] {
        try checkOpen()
        return try loadedInstances()
    }

    /// Runs `body` (the call `operation`) on each of `backends`, every one at once on its
    /// worker (or in turn on the caller's thread); outcomes in load order.
    /// `failedIf` tells the observer that a call which returned (rather than threw) failed.
    func outcomes<Value: Sendable>(
        of backends: [LoadedBackend], _ operation: String,
        failedIf: @escaping @Sendable (Value) -> Bool = { _ in false },
        _ body: @escaping @Sendable (LoadedBackend) throws(BackendCallError) -> Value
    ) async -> BackendOutcomes<Value> {
        var outcomes = BackendOutcomes<Value>()
        guard let workers else {
            for backend in backends { outcomes.record(Result { () throws(BackendCallError) in try body(backend) }, from: backend.name) }
            return outcomes
        }
        let results = AnswerSlots<Value>(count: backends.count)
        await withTaskGroup(of: Void.self) { group in
            for (slot, backend) in backends.enumerated() {
                let worker = workers[instances.firstIndex { $0 === backend }!]
                group.addTask {
                    let result = await self.run(on: worker, backend, operation) { () throws(BackendCallError) in
                        try self.observed(backend, operation, failedIf: failedIf) { () throws(BackendCallError) in
                            try body(backend)
                        }
                    }
                    results.slots.withLock { $0[slot] = result }
                }
            }
        }
        for (backend, result) in zip(backends, results.slots.withLock { $0 }) { outcomes.record(result!, from: backend.name) }
        return outcomes
    }

    /// Runs one call on one backend: on its worker, or on the caller's thread.
    func call<Value: Sendable>(
        _ backend: LoadedBackend, _ operation: String,
        _ body: @escaping @Sendable () throws(BackendCallError) -> Value
    ) async throws(BackendFailure) -> Value {
        let result: Result<Value, BackendCallError>
        if let workers {
            let worker = workers[instances.firstIndex { $0 === backend }!]
            result = await run(on: worker, backend, operation) { () throws(BackendCallError) in
                try self.observed(backend, operation, body)
            }
        } else {
            result = Result { () throws(BackendCallError) in try body() }
        }
        do { return try result.get() } catch { throw BackendFailure(error) }
    }

    /// The calls backends' workers are running now (none with ``Execution/callerThread``):
    /// what tells a hung backend from a slow request.
    public var runningCalls: [RunningCall] {
        running.withLock { Array($0.values) }.sorted { $0.backend < $1.backend }
    }

    /// Runs `job` on `worker` and waits for it, or, with a deadline (and an operation that
    /// takes one), until the deadline passes: then the call is reported as not answered,
    /// and if it is still queued it will not run.
    private func run<Value: Sendable>(
        on worker: SerialWorker, _ backend: LoadedBackend, _ operation: String,
        _ job: @escaping @Sendable () throws(BackendCallError) -> Value
    ) async -> Result<Value, BackendCallError> {
        guard let deadline, operation != "insert", operation != "flush", operation != "shutdown" else {
            return await worker.run { () -> Result<Value, BackendCallError> in Result { () throws(BackendCallError) in try job() } }
        }
        let abandoned = Atomic(false)
        let skipped = BackendCallError(
            backend: backend.name, operation: operation, status: BackendStatus.busy.rawValue,
            message: "skipped: the caller stopped waiting before the backend was free")
        let answer = await firstOf(deadline) {
            await worker.run { () -> Result<Value, BackendCallError> in
                if abandoned.load(ordering: .acquiring) { return .failure(skipped) }
                return Result { () throws(BackendCallError) in try job() }
            }
        }
        if let answer { return answer }
        abandoned.store(true, ordering: .releasing)
        let busy = runningCalls.first { $0.backend == backend.name }
        let holding = busy.map { " (it has been in \($0.operation) for \(Self.seconds(ContinuousClock.now - $0.started)) s)" } ?? ""
        return .failure(BackendCallError(
            backend: backend.name, operation: operation, status: BackendStatus.busy.rawValue,
            message: "no answer within \(Self.seconds(deadline)) s\(holding); the other backends are not held up by it, retry later"))
    }

    /// `duration` in whole seconds, at least 1 once it has started, for messages.
    public static func seconds(_ duration: Duration) -> Int64 { max(1, duration.components.seconds) }

    /// Runs one backend call, timing it for the observer (when there is one).
    private func observed<Value>(
        _ backend: LoadedBackend, _ operation: String, failedIf: (Value) -> Bool = { _ in false },
        _ call: () throws(BackendCallError) -> Value
    ) throws(BackendCallError) -> Value {
        let start = ContinuousClock.now
        running.withLock { $0[backend.name] = RunningCall(backend: backend.name, operation: operation, started: start) }
        defer { running.withLock { _ = $0.removeValue(forKey: backend.name) } }
        guard let observer else { return try call() }
        do {
            let value = try call()
            observer(backend.name, operation, ContinuousClock.now - start, failedIf(value))
            return value
        } catch {
            observer(backend.name, operation, ContinuousClock.now - start, true)
            throw error
        }
    }
}

/// One slot per backend for the answers of the store's calls, filled by the child
/// tasks in any order and read in load order once all have ended.
private final class AnswerSlots<Value: Sendable>: Sendable {
    let slots: Mutex<[Result<Value, BackendCallError>?]>

    init(count: Int) {
        slots = Mutex([Result<Value, BackendCallError>?](repeating: nil, count: count))
    }
}

/// What `operation` gives, or nil when `deadline` passes first. The operation goes on
/// after the deadline (its result is then dropped); the caller does not wait for it.
public func firstOf<Value: Sendable>(_ deadline: Duration, _ operation: @escaping @Sendable () async -> Value) async -> Value? {
    let race = Race<Value>()
    return await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
        race.start(continuation, deadline: deadline, operation)
    }
}

/// The two sides of ``firstOf(_:_:)``: whichever ends first resumes the caller, once.
private final class Race<Value: Sendable>: Sendable {
    private let resumed = Mutex(false)
    private let timer = Mutex<Task<Void, Never>?>(nil)

    func start(
        _ continuation: CheckedContinuation<Value?, Never>, deadline: Duration,
        _ operation: @escaping @Sendable () async -> Value
    ) {
        timer.withLock {
            $0 = Task {
                try? await Task.sleep(for: deadline)
                if !Task.isCancelled { self.finish(continuation, nil) }
            }
        }
        Task {
            let value = await operation()
            self.finish(continuation, value)
            self.timer.withLock { $0?.cancel() }
        }
    }

    private func finish(_ continuation: CheckedContinuation<Value?, Never>, _ value: Value?) {
        let wins = resumed.withLock { done in
            defer { done = true }
            return !done
        }
        if wins { continuation.resume(returning: value) }
    }
}
