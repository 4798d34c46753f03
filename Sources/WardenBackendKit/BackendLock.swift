import Glibc

/// A mutex for a backend's state shared between host calls and its own threads.
public final class BackendLock: @unchecked Sendable {
    // Allocated, not stored inline: a pthread mutex must not move, and a pointer to a
    // stored property is only guaranteed for the duration of one call.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
