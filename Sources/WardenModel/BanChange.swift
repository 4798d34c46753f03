/// One change of a backend's change feed (`warden.changes/1` in `warden_backend.h`).
public enum BanChange: Sendable, Equatable {
    /// A ban was stored (in a snapshot: a ban live now). It may already be past its
    /// until, or ended by a later change.
    case added(Ban)
    /// The ban `id` ended at `atNs`: deleted, or replaced by a newer ban of its target.
    case ended(id: Int64, atNs: Int64)
    /// `delete_all`: every ban whose id is at most `id` ended at `atNs`.
    case endedThrough(id: Int64, atNs: Int64)
}

/// What one read of a backend's change feed returned.
public struct BanChanges: Sendable, Equatable {
    /// Whether it was a snapshot (asked with cursor 0): `changes` are then every ban
    /// live at the time, each as `.added`, and replace whatever the reader held.
    public var isSnapshot: Bool
    public var changes: [BanChange]
    /// Where the next read starts; kept in the storage, valid for every instance on it.
    public var cursor: Int64

    public init(isSnapshot: Bool, changes: [BanChange], cursor: Int64) {
        self.isSnapshot = isSnapshot
        self.changes = changes
        self.cursor = cursor
    }
}
