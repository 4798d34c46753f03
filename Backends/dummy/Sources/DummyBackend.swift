import CWardenBackend
import Synchronization
import WardenBackendKit

/// The in-memory reference backend: it logs every call through the host (as
/// CrowdSec's legacy dummy plugin did) and keeps bans in a ``MemoryStore``.
///
/// Config keys: `store` (default `default`): instances naming the same store
/// share their bans once flushed; `flush`, `max_records`, `max_records_age` as
/// every backend. Inserts are buffered per instance until `flush` (or any read
/// or delete on the same instance, so it sees its own writes).
final class DummyBackend: BanBackend, @unchecked Sendable {
    static let name = "dummy"
    static let version = "1.0.0 (swift)"
    static let offersMaintenance = true
    static let offersChanges = true
    static let offersHistory = true
    static let offersSignalIDs = true

    private let host: BackendHost
    private let pending = Mutex<[Signal]>([])
    private var store: MemoryStore?
    private var background: BackgroundSettings?
    private var autoCommitter: AutoCommitter?

    init(host: BackendHost) {
        self.host = host
    }

    func configure(_ config: BackendConfig) throws {
        let name = config.string("store") ?? "default"
        let background = try BackgroundSettings(config)
        self.background = background
        store = MemoryStore.named(name)
        host.log(.debug, "init: store '\(name)', flush \(background.expireEnded), max_records \(background.maxRecords)")
    }

    private func openStore() throws -> MemoryStore {
        guard let store else { throw BackendError(.invalid, "dummy: used before init; call init first") }
        return store
    }

    func insert(_ signal: Signal) throws {
        _ = try openStore()
        host.log(.debug, "insert: \(signal.bans.map(\.target).joined(separator: ", ")) (\(signal.scenario))")
        pending.withLock { $0.append(signal) }
    }

    func flush() throws {
        _ = try commitPending()
    }

    /// The dummy buffers until flush, where ids are given: this flushes, `signal` last
    /// (taken with what is pending in one step: the auto-commit thread flushes too).
    func insertReturningID(raw signal: RawSignal) throws -> Int64 {
        try commitPending(adding: Signal(signal)).last ?? 0
    }

    /// Stores what is pending, then `last`; each stored signal's id, in order.
    private func commitPending(adding last: Signal? = nil) throws -> [Int64] {
        let store = try openStore()
        let signals = pending.withLock { queue in
            defer { queue.removeAll() }
            return queue + (last.map { [$0] } ?? [])
        }
        host.log(.debug, "flush: \(signals.count) signal(s)")
        return store.append(signals)
    }

    func read(at: Int64, into sink: (BanRow) -> Bool) throws {
        try flush()
        let rows = try openStore().active(at: at)
        host.log(.debug, "read_at: \(rows.count) active ban(s)")
        for row in rows where !sink(row) { break }
    }

    func delete(target: String) throws -> Int {
        try flush()
        let count = try openStore().end(now: host.now(), target: target)
        host.log(.debug, "delete: \(target): \(count) ban(s)")
        return count
    }

    func deleteAll() throws -> Int {
        try flush()
        let count = try openStore().end(now: host.now(), target: nil)
        host.log(.debug, "delete_all: \(count) ban(s)")
        return count
    }

    func changes(since cursor: Int64, into sink: (FeedChange) -> Bool) throws -> Int64 {
        try flush()
        let (changes, next) = try openStore().changes(since: cursor, now: host.now())
        host.log(.debug, "changes_since \(cursor): \(changes.count) change(s), next \(next)")
        for (change, after) in changes where !sink(change) {
            return cursor == 0 ? 0 : after  // a stopped snapshot is taken again
        }
        return next
    }

    func targetHistory(_ query: HistoryQuery) throws -> HistoryCounts {
        try flush()
        return try openStore().targetHistory(query)
    }

    func readSignals(_ selection: SignalSelection, into sink: (StoredSignal) -> Bool) throws {
        try flush()
        let found = try openStore().signals(selection)
        host.log(.debug, "read_signals: \(found.count) signal(s)")
        for stored in found where !sink(stored) { break }
    }

    func deleteSignal(id: Int64) throws -> Int {
        try flush()
        let count = try openStore().deleteSignal(id: id, now: host.now())
        host.log(.debug, "delete_signal: \(id): \(count)")
        return count
    }

    func deleteBan(id: Int64) throws -> Int {
        try flush()
        let count = try openStore().deleteBan(id: id, now: host.now())
        host.log(.debug, "delete_ban: \(id): \(count)")
        return count
    }

    func runMaintenance(now: Int64) throws -> MaintenanceReport {
        try flush()
        let store = try openStore()
        guard let background else { return MaintenanceReport() }
        let expired = background.expireEnded ? store.expire(now: now) : 0
        let cutoff = background.maxRecordsAgeNs > 0 ? now - background.maxRecordsAgeNs : nil
        let purged = store.purge(maxRecords: background.maxRecords, cutoffNs: cutoff)
        return MaintenanceReport(expired: expired, purged: purged)
    }

    func startAutoCommit() throws {
        _ = try openStore()
        guard autoCommitter == nil, let background else { return }
        host.log(.debug, "start_auto_commit")
        autoCommitter = try AutoCommitter(host: host, settings: background) { [self] now, _, _ in
            try runMaintenance(now: now)
        }
    }

    func shutdown() throws {
        host.log(.debug, "shutdown")
        autoCommitter?.stop()
        autoCommitter = nil
        if store != nil { try flush() }
    }
}

/// The ABI entry point of `libwarden-backend-dummy.so`.
@c(New) public func New(
    host: UnsafePointer<warden_host_t>?, out: UnsafeMutablePointer<UnsafeMutablePointer<warden_backend_t>?>?,
    err: UnsafeMutablePointer<CChar>?, errLen: Int
) -> Int32 {
    exportBackend(DummyBackend.self, host: host, out: out, err: err, errLen: errLen)
}
