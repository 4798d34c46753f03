import Glibc

/// A background thread that runs `tick` every `interval` until ``stop()``, for a
/// backend's `start_auto_commit`. ``stop()`` wakes the thread at once and joins it.
public final class PeriodicWorker: @unchecked Sendable {
    // Allocated, not stored inline: pthread objects must not move, and a pointer to a
    // stored property is only guaranteed for the duration of one call.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var thread: pthread_t?
    private var stopping = false
    private let intervalNs: Int64
    private let tick: @Sendable () -> Void

    /// Starts the thread. The first tick runs one interval after the start.
    /// - Throws: ``BackendError`` (`.busy`) when the system refuses a new thread.
    public init(intervalNs: Int64, tick: @escaping @Sendable () -> Void) throws(BackendError) {
        self.intervalNs = intervalNs
        self.tick = tick
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        // The thread holds its own reference until its loop ends, so the worker
        // outlives it even if the owner drops the worker first.
        let context = Unmanaged.passRetained(self)
        var tid = pthread_t()
        let started = pthread_create(&tid, nil, { raw in
            let worker = Unmanaged<PeriodicWorker>.fromOpaque(raw!).takeRetainedValue()
            worker.loop()
            return nil
        }, context.toOpaque())
        guard started == 0 else {
            context.release()
            throw BackendError(.busy, "cannot start the auto-commit thread: \(String(cString: strerror(started))); "
                + "free some threads or memory, or retry later")
        }
        thread = tid
    }

    private func loop() {
        pthread_mutex_lock(mutex)
        while !stopping {
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            let total = Int64(deadline.tv_nsec) + intervalNs
            deadline.tv_sec += Int(total / 1_000_000_000)
            deadline.tv_nsec = Int(total % 1_000_000_000)
            while !stopping && pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT {}
            if stopping { break }
            pthread_mutex_unlock(mutex)
            tick()
            pthread_mutex_lock(mutex)
        }
        pthread_mutex_unlock(mutex)
    }

    /// Asks the thread to end, waits for it, and returns. Harmless when already stopped.
    public func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        let running = thread
        thread = nil
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        if let running { pthread_join(running, nil) }
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }
}
