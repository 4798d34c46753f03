import Synchronization

/// A clock that moves only when told, for expiry and retention tests without `sleep`.
public final class ManualClock: Sendable {
    private let nanoseconds: Mutex<Int64>

    /// Starts at `start` ns since the epoch (default 2026-11-23T12:00:00Z).
    public init(start: Int64 = 1_795_435_200_000_000_000) {
        nanoseconds = Mutex(start)
    }

    public var now: Int64 { nanoseconds.withLock { $0 } }

    public func advance(seconds: Int64) {
        nanoseconds.withLock { $0 += seconds * 1_000_000_000 }
    }

    /// The clock as the host's `now_ns` closure.
    public var closure: @Sendable () -> Int64 { { self.now } }
}
