import Glibc

/// Runs `body` on a detached thread of its own. Blocking reads of a plugin's pipes and
/// `waitpid` belong there, not in Swift's cooperative pool (two threads on two cores).
func startDetachedThread(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var thread = pthread_t()
    let created = pthread_create(&thread, nil, { context in
        Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, Unmanaged.passRetained(Box(body)).toOpaque())
    precondition(created == 0, "cannot start a thread for a plugin: \(String(cString: strerror(created)))")
    pthread_detach(thread)
}

/// Calls `line` for each newline-terminated line read from `fd` (and a last unterminated
/// one), until end of file; then closes `fd`. Lines longer than 1 MiB are cut there.
func readLines(from fd: Int32, _ line: (String) -> Void) {
    var buffer = [UInt8](repeating: 0, count: 16384)
    var pending: [UInt8] = []
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        pending += buffer[0..<count]
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            line(String(decoding: pending[..<newline], as: UTF8.self))
            pending.removeSubrange(...newline)
        }
        if pending.count > 1 << 20 {
            line(String(decoding: pending, as: UTF8.self))
            pending.removeAll()
        }
    }
    if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
    close(fd)
}
