import WardenBackendHost
import WardenModel

/// The store's unit operations on one backend, each complete on its own: a write
/// is flushed before it returns, so what it reports is durable.
extension LoadedBackend {
    /// Inserts `signal` and flushes.
    func record(_ signal: SignalOrder) throws(BackendCallError) {
        try insert(signal)
        try flush()
    }

    /// Deletes the live ban of `target` and flushes; how many were removed.
    func remove(target: String) throws(BackendCallError) -> Int {
        let count = try delete(target: target)
        try flush()
        return count
    }

    /// Deletes every live ban and flushes; how many were removed.
    func removeAll() throws(BackendCallError) -> Int {
        let count = try deleteAll()
        try flush()
        return count
    }

    /// The bans active at `at` that match `query`, newest first. With a limit, the
    /// backend is asked to stop at the first match past it.
    func read(_ query: BanQuery, at: Int64) throws(BackendCallError) -> BackendRead {
        var result = BackendRead(bans: [], stoppedEarly: false)
        try read(at: at) { ban in
            guard query.matches(ban) else { return true }
            if let limit = query.limit, result.bans.count == limit {
                result.stoppedEarly = true
                return false
            }
            result.bans.append(ban)
            return true
        }
        return result
    }
}
