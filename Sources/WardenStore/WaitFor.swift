import Glibc

/// Runs `operation` and blocks the calling thread until it is done: the store's thin
/// blocking wrapper, for callers with no async context (the CLI's commands, a profile
/// expression's counting helper on its own thread).
///
/// The calling thread runs the operation itself, as the task executor it prefers: a store
/// opened with ``BanStore/Execution/callerThread`` then calls its backends on the CLI's main
/// thread, as a C program would, and a one-shot command starts no thread of Swift's pool.
/// What the operation hands elsewhere (a daemon's backend workers) it waits for here. Never
/// call it from a task of Swift's pool or from a backend's worker: that thread would wait
/// for work it may have to do itself.
///
///     let outcomes = try waitFor { try await store.add(signal) }
public func waitFor<Value: Sendable, Failure: Error>(
    _ operation: @escaping @Sendable () async throws(Failure) -> Value
) throws(Failure) -> Value {
    let caller = CallerThread()
    let handed = Handed(operation)
    Task.detached(executorPreference: caller) {
        caller.finish(await run(handed.take()))
    }
    return try (caller.serve() as! Result<Value, Failure>).get()
}

/// Runs `operation`. A function of its own, so the operation (and what it holds: a store,
/// its backends) is released when it returns, before the caller hears back.
private func run<Value: Sendable, Failure: Error>(
    _ operation: @escaping @Sendable () async throws(Failure) -> Value
) async -> Result<Value, Failure> {
    do throws(Failure) { return .success(try await operation()) } catch { return .failure(error) }
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

/// The thread blocked in ``waitFor(_:)``, lent to the operation as its task executor: it
/// runs the operation's jobs, in order, until the operation's answer comes.
final class CallerThread: TaskExecutor, @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var jobs: [UnownedJob] = []
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

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(wakeUp)
        pthread_mutex_unlock(mutex)
    }

    /// Hands the operation's answer to the serving thread.
    func finish(_ answer: Any) {
        pthread_mutex_lock(mutex)
        self.answer = answer
        pthread_cond_signal(wakeUp)
        pthread_mutex_unlock(mutex)
    }

    /// Runs the operation's jobs until its answer comes; returns it.
    func serve() -> Any {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && answer == nil { pthread_cond_wait(wakeUp, mutex) }
            let batch = jobs
            jobs.removeAll()
            let answer = self.answer
            pthread_mutex_unlock(mutex)
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            if batch.isEmpty, let answer { return answer }
        }
    }
}
