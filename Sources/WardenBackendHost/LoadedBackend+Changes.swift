import CWardenBackend
import WardenBasics
import WardenModel

/// The host's side of `warden.changes/1` (`warden_backend.h`): what changed in the
/// storage since a cursor, so a daemon need not read every active ban each time.
extension LoadedBackend {
    /// Whether the backend offers `warden.changes/1`.
    public var offersChanges: Bool { extensionTable(WARDEN_EXT_CHANGES) != nil }

    /// `changes_since`: with `cursor` 0 a snapshot (every ban live now, as `.added`),
    /// else every change after `cursor`, in order; with the cursor to pass next.
    /// Returns nil when the backend lacks the extension.
    /// - Throws: ``BackendCallError``: with status `WARDEN_E_STALE_CURSOR` when the
    ///   storage no longer keeps every change after `cursor` (see ``BackendCallError/isStaleCursor``:
    ///   start again from 0); `WARDEN_E_ABI` when its table, a change or a row is
    ///   smaller than version 1's, or a change is malformed.
    public func changes(since cursor: Int64) throws(BackendCallError) -> BanChanges? {
        guard let table = try extensionTable(
            WARDEN_EXT_CHANGES, as: warden_ext_changes_t.self, minimumSize: Int(WARDEN_EXT_CHANGES_V1_SIZE),
            operation: "changes_since"),
            let changesSince = table.changes_since
        else { return nil }
        let collector = ChangeCollector(backend: name)
        var next: Int64 = 0
        try call("changes_since") { err, len in
            changesSince(vtable, cursor, &next, { context, change in
                Unmanaged<ChangeCollector>.fromOpaque(context!).takeUnretainedValue().append(change!)
            }, Unmanaged.passUnretained(collector).toOpaque(), err, len)
        }
        if let defect = collector.defect {
            throw BackendCallError(
                backend: name, operation: "changes_since", status: WARDEN_E_ABI,
                message: "it returned \(defect); rebuild it against warden_backend.h 1.x")
        }
        return BanChanges(isSnapshot: cursor == 0, changes: collector.changes, cursor: next)
    }
}

extension BackendCallError {
    /// Whether `changes_since` refused the cursor as stale: read everything again from 0.
    public var isStaleCursor: Bool { status == WARDEN_E_STALE_CURSOR }
}

/// Copies the changes of `changes_since`, each read within the size the backend
/// declared; stops the feed at the first malformed one.
private final class ChangeCollector {
    let backend: String
    var changes: [BanChange] = []
    /// What was wrong with the change that stopped the feed, if one did.
    var defect: String?

    init(backend: String) {
        self.backend = backend
    }

    /// Takes one change; returns what the sink returns to the backend (0: go on, 1: stop).
    func append(_ raw: UnsafePointer<warden_change_t>) -> Int32 {
        let size = Int(raw.pointee.struct_size)
        guard size >= WARDEN_CHANGE_V1_SIZE else {
            defect = "a change of \(size) bytes; version 1 changes are at least \(WARDEN_CHANGE_V1_SIZE) bytes"
            return 1
        }
        let c = loadVersioned(warden_change_t.self, from: raw, stride: size)
        switch c.kind {
        case WARDEN_CHANGE_ADDED:
            guard let row = c.row else {
                defect = "an added change (ban \(c.ban_id)) without its row"
                return 1
            }
            let rowSize = Int(row.pointee.struct_size)
            guard rowSize >= WARDEN_BAN_ROW_V1_0_SIZE else {
                defect = "a row of \(rowSize) bytes; ABI 1.0 rows are at least \(WARDEN_BAN_ROW_V1_0_SIZE) bytes"
                return 1
            }
            changes.append(.added(Ban(row: row, size: rowSize, backend: backend)))
        case WARDEN_CHANGE_ENDED:
            changes.append(.ended(id: c.ban_id, atNs: c.ended_ns))
        case WARDEN_CHANGE_ENDED_THROUGH:
            changes.append(.endedThrough(id: c.ban_id, atNs: c.ended_ns))
        default:
            defect = "a change of kind \(c.kind); \(WARDEN_EXT_CHANGES) knows 1 (added), 2 (ended), 3 (ended through)"
            return 1
        }
        return 0
    }
}
