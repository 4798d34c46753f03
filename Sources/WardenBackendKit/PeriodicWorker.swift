import Glibc

/// A background thread that runs `tick` every `interval` until ``stop()``, for a
/// backend's `start_auto_commit`. ``stop()`` wakes the thread at once and joins it.
public final class PeriodicWorker: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var thread: pthread_t?
    private var stopping = false
    private let intervalNs: Int64
    private let tick: @Sendable () -> Void

    /// Starts the thread. The first tick runs one interval after the start.
    public init(intervalNs: Int64, tick: @escaping @Sendable () -> Void) {
        self.intervalNs = intervalNs
        self.tick = tick
        pthread_mutex_init(&mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(&condition, &attributes)
        pthread_condattr_destroy(&attributes)
        var tid = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&tid, nil, { raw in
            let worker = Unmanaged<PeriodicWorker>.fromOpaque(raw!).takeRetainedValue()
            worker.loop()
            return nil
        }, context)
        thread = tid
    }

    private func loop() {
        pthread_mutex_lock(&mutex)
        while !stopping {
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            let total = Int64(deadline.tv_nsec) + intervalNs
            deadline.tv_sec += Int(total / 1_000_000_000)
            deadline.tv_nsec = Int(total % 1_000_000_000)
            while !stopping && pthread_cond_timedwait(&condition, &mutex, &deadline) != ETIMEDOUT {}
            if stopping { break }
            pthread_mutex_unlock(&mutex)
            tick()
            pthread_mutex_lock(&mutex)
        }
        pthread_mutex_unlock(&mutex)
    }

    /// Asks the thread to end, waits for it, and returns. Harmless when already stopped.
    public func stop() {
        pthread_mutex_lock(&mutex)
        let wasRunning = !stopping
        stopping = true
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
        if wasRunning, let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }
}
