import WardenConfig

/// What a registry knows of the text it follows (bouncer keys, machines): the version it
/// last read, and when it last looked, so requests stat a file at most once a second.
struct FollowedText {
    var version: SharedTextVersion?
    var checkedAtNs: Int64 = 0

    /// Whether a look is due at `now` (a second since the last one); records it if so.
    mutating func lookIsDue(now: Int64) -> Bool {
        guard now - checkedAtNs >= 1_000_000_000 else { return false }
        checkedAtNs = now
        return true
    }
}

/// Who a reload added and removed, by name, sorted.
struct NameChanges {
    let added: [String]
    let removed: [String]

    init(before: Set<String>, after: Set<String>) {
        added = after.subtracting(before).sorted()
        removed = before.subtracting(after).sorted()
    }

    var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    /// `added: a, b; removed: none`.
    var description: String {
        "added: \(added.isEmpty ? "none" : added.joined(separator: ", ")); "
            + "removed: \(removed.isEmpty ? "none" : removed.joined(separator: ", "))"
    }
}
