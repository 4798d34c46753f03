import CWardenBackend

/// One change of the `warden.changes/1` feed (see `warden_backend.h`), as a Swift
/// backend reports it from ``BanBackend/changes(since:into:)``.
public enum FeedChange: Sendable, Equatable {
    /// A ban was stored (or, in a snapshot, is live).
    case added(BanRow)
    /// The ban `id` ended at `atNs`: deleted, or replaced by a newer ban of its target.
    case ended(id: Int64, atNs: Int64)
    /// `delete_all`: every ban whose id is at most `id` ended at `atNs`.
    case endedThrough(id: Int64, atNs: Int64)
}

/// Lays out ``FeedChange`` values as the ABI's `warden_change_t`, reusing one buffer.
struct ChangeEncoder {
    private var rows = RowEncoder()

    /// Calls `body` with a C change (and row) valid only during the call.
    mutating func withChange<R>(_ change: FeedChange, _ body: (UnsafePointer<warden_change_t>) -> R) -> R {
        var c = warden_change_t()
        c.struct_size = UInt32(MemoryLayout<warden_change_t>.size)
        switch change {
        case .added(let row):
            return rows.withRow(row) { raw in
                c.kind = WARDEN_CHANGE_ADDED
                c.ban_id = row.id
                c.row = raw
                return withUnsafePointer(to: &c) { body($0) }
            }
        case .ended(let id, let atNs):
            c.kind = WARDEN_CHANGE_ENDED
            c.ban_id = id
            c.ended_ns = atNs
        case .endedThrough(let id, let atNs):
            c.kind = WARDEN_CHANGE_ENDED_THROUGH
            c.ban_id = id
            c.ended_ns = atNs
        }
        return withUnsafePointer(to: &c) { body($0) }
    }
}
