import Glibc

/// Runs each body on a thread of its own and returns once every thread has ended.
/// Threads that are joined, not a pool's: no thread that called into a backend is
/// left running at exit (Tests/support/memcheck.sh counts those as a backend's).
func runOnJoinedThreads(_ bodies: [@Sendable () -> Void]) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let threads = bodies.map { body -> pthread_t in
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, Unmanaged.passRetained(Box(body)).toOpaque())
        precondition(created == 0, "cannot start a test thread: \(String(cString: strerror(created)))")
        return thread
    }
    for thread in threads { pthread_join(thread, nil) }
}
