import Logging
import Synchronization
import WardenConfig
import WardenModel

/// The allowlist a running daemon enforces, reread when its file changes: ``reloadIfChanged()``
/// is a cheap `stat` (the daemon calls it every second) and ``reload(force:)`` runs on SIGHUP.
/// Each reload that changes something logs the entries added and removed; a file that
/// cannot be read or parsed keeps the previous allowlist, with an error in the log.
public final class LiveAllowlist: Sendable {
    private struct State {
        var allowlist: Allowlist
        var version: FileVersion?
        /// `allowlist` without its expired entries, as of the last lookup, and when the
        /// first of its entries expires (then it is worked out again).
        var active: Allowlist
        var activeUntilNs: Int64?

        init(allowlist: Allowlist, version: FileVersion?, now: Int64) {
            self.allowlist = allowlist
            self.version = version
            active = allowlist.active(at: now)
            activeUntilNs = active.nextExpiryNs
        }

        /// The entries in force at `now`.
        mutating func active(at now: Int64) -> Allowlist {
            if let until = activeUntilNs, now >= until {
                active = allowlist.active(at: now)
                activeUntilNs = active.nextExpiryNs
            }
            return active
        }
    }

    private let file: AllowlistFile
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let state: Mutex<State>

    /// Loads the allowlist at `path`; `clock` tells when entries expire.
    /// - Throws: ``AllowlistError`` when the file is unreadable or malformed.
    public init(path: String, logger: Logger, clock: @escaping @Sendable () -> Int64) throws(AllowlistError) {
        file = AllowlistFile(path: path)
        self.logger = logger
        self.clock = clock
        let version = FileSystem.version(of: path)
        state = Mutex(State(allowlist: try file.load(), version: version, now: clock()))
    }

    /// Where the allowlist is read from.
    public var path: String { file.path }

    /// The allowlist as its file holds it, expired entries included.
    public var current: Allowlist { state.withLock { $0.allowlist } }

    /// The entries in force now.
    public var active: Allowlist {
        let now = clock()
        return state.withLock { $0.active(at: now) }
    }

    /// The entry in force at `now` that forbids banning `target`, or nil.
    public func match(_ target: BanTarget, at now: Int64) -> AllowlistEntry? {
        state.withLock { $0.active(at: now).match(target) }
    }

    /// Rereads the file if it changed since it was last read (or always with `force`),
    /// and logs what changed.
    /// - Throws: ``AllowlistError``; the previous allowlist stays in force.
    public func reload(force: Bool = false) throws(AllowlistError) {
        let version = FileSystem.version(of: file.path)
        guard force || state.withLock({ $0.version != version }) else { return }
        let fresh = try file.load()
        let now = clock()
        let before = state.withLock { state -> Allowlist in
            let before = state.allowlist
            state = State(allowlist: fresh, version: version, now: now)
            return before
        }
        let added = fresh.entries.filter { !before.entries.contains($0) }
        let removed = before.entries.filter { !fresh.entries.contains($0) }
        guard !added.isEmpty || !removed.isEmpty else { return }
        func names(_ entries: [AllowlistEntry]) -> String {
            entries.isEmpty ? "none" : entries.map(\.description).joined(separator: ", ")
        }
        logger.info(
            "allowlist reloaded from \(file.path): \(fresh.entries.count) entries; added: \(names(added)); removed: \(names(removed))")
    }

    /// ``reload(force:)`` when the file changed, logging a failure instead of throwing.
    public func reloadIfChanged() {
        do {
            try reload()
        } catch {
            logger.error("\(error); keeping the previous allowlist")
        }
    }
}
