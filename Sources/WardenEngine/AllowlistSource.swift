import Synchronization
import WardenAllowlist
import WardenModel

/// What no ban may cover, as the engine asks it on every write: the daemon's live copy
/// of the allowlist file (``LiveAllowlist``), or a one-shot command's snapshot.
public protocol AllowlistSource: Sendable {
    /// The entry in force at `now` that shares an address with `target`, if any.
    /// - Throws: why the allowlist cannot be read (a bad file): no ban may then be written.
    func entry(meeting target: BanTarget, at now: Int64) throws -> AllowlistEntry?
    /// The file the entries come from, named in refusals.
    var path: String { get }
}

extension LiveAllowlist: AllowlistSource {
    public func entry(meeting target: BanTarget, at now: Int64) -> AllowlistEntry? {
        match(target, at: now)
    }
}

/// The allowlist file as a one-shot command reads it: once, at the first question, so
/// a command that writes no ban never reads it; the entries in force are worked out once
/// per time asked (an import asks for every row at one time).
public final class AllowlistFileSource: AllowlistSource {
    private let file: AllowlistFile
    private let loaded = Mutex<(file: Allowlist, active: Allowlist, at: Int64)?>(nil)

    public init(_ file: AllowlistFile) {
        self.file = file
    }

    public var path: String { file.path }

    public func entry(meeting target: BanTarget, at now: Int64) throws -> AllowlistEntry? {
        let active = try loaded.withLock { cached throws(AllowlistError) -> Allowlist in
            if let cached, cached.at == now { return cached.active }
            let whole: Allowlist
            if let cached { whole = cached.file } else { whole = try file.load() }
            let active = whole.active(at: now)
            cached = (whole, active, now)
            return active
        }
        return active.match(target)
    }
}
