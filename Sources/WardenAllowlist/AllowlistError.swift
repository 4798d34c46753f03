import WardenModel

/// The allowlist file cannot be read, written or understood, or an edit of it is
/// refused. Its category says how the CLI exits (64 bad input or file, 1 otherwise).
public struct AllowlistError: WardenError, Equatable {
    public var category: ErrorCategory
    public var message: String

    public init(_ category: ErrorCategory, _ message: String) {
        self.category = category
        self.message = message
    }

    public var description: String { message }
}

/// A ban refused because its target meets an allowlist entry: what the CLI prints
/// (exit 64) and what the Local API logs when it drops such a decision.
public struct AllowlistRefusal: WardenError, Equatable {
    public var category: ErrorCategory { .badInput }
    /// The ban's target.
    public var target: BanTarget
    /// The entry it met.
    public var entry: AllowlistEntry
    /// The allowlist file the entry comes from (or would, for the default entries).
    public var file: String

    public init(target: BanTarget, entry: AllowlistEntry, file: String) {
        self.target = target
        self.entry = entry
        self.file = file
    }

    /// Names the entry and says what to do: the two cases are a target inside the
    /// entry, and a block that contains the entry (CIDR blocks never overlap otherwise).
    public var description: String {
        let remove = "'warden allowlist del \(entry.target)'"
        if !entry.isStrictlyInside(target) {
            return "cannot ban \(target): it is allowlisted by \(entry) in \(file); "
                + "if it must really be banned, remove that entry first with \(remove)"
        }
        return "cannot ban \(target): it contains \(entry), allowlisted in \(file); "
            + "ban narrower blocks that leave it out, or remove that entry with \(remove)"
    }
}
