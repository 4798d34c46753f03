import Glibc

/// One thread of its own that runs jobs one at a time, in the order they came.
///
/// Backend calls block (a disk sync, a MySQL retry that sleeps), and so do profile
/// expressions whose counting helpers wait for backends: run on Swift's
/// cooperative pool or on an event loop they would stall every other request. Each
/// backend instance gets one worker, which is also how the ABI's "calls are
/// serialized per instance" is kept without a caller ever waiting on a lock.
/// The thread starts with the worker; ``stop()`` runs what is queued, then joins it.
public final class SerialWorker: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var thread: pthread_t?

    /// Starts the thread; `label` names it in the one message a failed start gives.
    public init(label: String) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(self).toOpaque()  // released when the loop ends
        let created = pthread_create(&thread, nil, { context in
            let worker = Unmanaged<SerialWorker>.fromOpaque(context!).takeRetainedValue()
            worker.loop()
            return nil
        }, retained)
        precondition(created == 0, "cannot start a thread for \(label): \(String(cString: strerror(created)))")
        self.thread = thread
    }

    deinit {
        pthread_cond_destroy(wakeUp)
        pthread_mutex_destroy(mutex)
        wakeUp.deallocate()
        mutex.deallocate()
    }

    /// Queues `job`. After ``stop()``, runs it on the caller's thread instead: nothing
    /// queued is ever left behind.
    func enqueue(_ job: @escaping () -> Void) {
        pthread_mutex_lock(mutex)
        guard !stopping else {
            pthread_mutex_unlock(mutex)
            job()
            return
        }
        jobs.append(job)
        pthread_cond_signal(wakeUp)
        pthread_mutex_unlock(mutex)
    }

    /// Runs `body` on the worker's thread and returns what it returned or threw.
    public func run<Value: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, Failure>, Never>) in
            enqueue { continuation.resume(returning: Result { () throws(Failure) -> Value in try body() }) }
        }
        return try result.get()
    }

    /// Runs every queued job, then ends and joins the thread. Idempotent.
    public func stop() {
        pthread_mutex_lock(mutex)
        let thread = self.thread
        self.thread = nil
        stopping = true
        pthread_cond_signal(wakeUp)
        pthread_mutex_unlock(mutex)
        if let thread { pthread_join(thread, nil) }
    }

    private func loop() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty && !stopping { pthread_cond_wait(wakeUp, mutex) }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            let done = batch.isEmpty && stopping
            pthread_mutex_unlock(mutex)
            if done { return }
            for job in batch { job() }
        }
    }
}
