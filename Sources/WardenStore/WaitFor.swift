import Glibc

/// Runs `operation` and blocks the calling thread until it is done: the store's thin
/// blocking wrapper, for callers with no async context (the CLI's commands, a profile
/// expression's counting helper on its own thread).
///
/// The operation runs as a task while the calling thread serves it: a store opened with
/// ``BanStore/Execution/callerThread`` hands its backend calls to this thread, so a
/// one-shot command calls its backends on its own main thread, as a C program would, and
/// no backend ever runs on a thread of Swift's pool. Never call it from a task of Swift's
/// pool or from a backend's worker: that thread would wait for work it may have to do.
///
///     let outcomes = try waitFor { try await store.add(signal) }
public func waitFor<Value: Sendable, Failure: Error>(
    _ operation: @escaping @Sendable () async throws(Failure) -> Value
) throws(Failure) -> Value {
    let caller = CallerThread()
    let handed = Handed(operation)
    Task.detached {
        caller.finish(await run(handed.take(), servedBy: caller))
    }
    return try (caller.serve() as! Result<Value, Failure>).get()
}

/// Runs `operation` with `caller` as the thread that serves it. A function of its own, so
/// the operation (and what it holds: a store, its backends) is released when it returns,
/// before the caller hears back: a backend is never destroyed on a thread of Swift's pool.
private func run<Value: Sendable, Failure: Error>(
    _ operation: @escaping @Sendable () async throws(Failure) -> Value, servedBy caller: CallerThread
) async -> Result<Value, Failure> {
    await CallerThread.$current.withValue(caller) {
        do throws(Failure) { return .success(try await operation()) } catch { return .failure(error) }
    }
}

/// An operation handed to the task that runs it, and taken out by it, so the task holds
/// no reference to it afterwards.
private final class Handed<Operation>: @unchecked Sendable {
    private var operation: Operation?

    init(_ operation: Operation) { self.operation = operation }

    func take() -> Operation {
        defer { operation = nil }
        return operation!
    }
}

/// The thread blocked in ``waitFor(_:)``, lent to the operation it waits for: it runs the
/// jobs the operation hands it (backend calls), in order, until the operation's answer
/// comes.
final class CallerThread: @unchecked Sendable {
    /// The thread serving the current operation, when it runs under ``waitFor(_:)``.
    @TaskLocal static var current: CallerThread?

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var jobs: [() -> Void] = []
    private var answer: Any?

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
    }

    deinit {
        pthread_cond_destroy(wakeUp)
        pthread_mutex_destroy(mutex)
        wakeUp.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` on the serving thread and returns what it returned.
    func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
            pthread_mutex_lock(mutex)
            jobs.append { continuation.resume(returning: body()) }
            pthread_cond_signal(wakeUp)
            pthread_mutex_unlock(mutex)
        }
    }

    /// Hands the operation's answer to the serving thread.
    func finish(_ answer: Any) {
        pthread_mutex_lock(mutex)
        self.answer = answer
        pthread_cond_signal(wakeUp)
        pthread_mutex_unlock(mutex)
    }

    /// Runs the jobs handed over until the answer comes; returns it.
    func serve() -> Any {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && answer == nil { pthread_cond_wait(wakeUp, mutex) }
            let batch = jobs
            jobs.removeAll()
            let answer = self.answer
            pthread_mutex_unlock(mutex)
            for job in batch { job() }
            if batch.isEmpty, let answer { return answer }
        }
    }
}
