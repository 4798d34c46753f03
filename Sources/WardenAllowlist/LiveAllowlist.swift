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
    }

    private let file: AllowlistFile
    private let logger: Logger
    private let state: Mutex<State>

    /// Loads the allowlist at `path`.
    /// - Throws: ``AllowlistError`` when the file is unreadable or malformed.
    public init(path: String, logger: Logger) throws(AllowlistError) {
        file = AllowlistFile(path: path)
        self.logger = logger
        let version = FileSystem.version(of: path)
        state = Mutex(State(allowlist: try file.load(), version: version))
    }

    /// Where the allowlist is read from.
    public var path: String { file.path }

    /// The allowlist in force now.
    public var current: Allowlist { state.withLock { $0.allowlist } }

    /// The entry that forbids banning `target`, or nil.
    public func match(_ target: BanTarget) -> AllowlistEntry? {
        state.withLock { $0.allowlist.match(target) }
    }

    /// Rereads the file if it changed since it was last read (or always with `force`),
    /// and logs what changed.
    /// - Throws: ``AllowlistError``; the previous allowlist stays in force.
    public func reload(force: Bool = false) throws(AllowlistError) {
        let version = FileSystem.version(of: file.path)
        guard force || state.withLock({ $0.version != version }) else { return }
        let fresh = try file.load()
        let before = state.withLock { state -> Allowlist in
            let before = state.allowlist
            state.allowlist = fresh
            state.version = version
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
