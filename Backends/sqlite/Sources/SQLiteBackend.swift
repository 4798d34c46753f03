import CSQLite
import CWardenBackend
import WardenBackendKit

/// Warden's embedded default: bans in one SQLite file (WAL), through the system libsqlite3.
///
/// Inserts run inside one open `BEGIN IMMEDIATE` transaction that `flush` commits
/// (or the auto-commit thread, every `auto_commit_interval` or `auto_commit_rows`).
/// Reads and deletes on the same instance see their own uncommitted writes.
/// All access to the connection goes through ``lock``: host calls and the
/// auto-commit thread never meet inside SQLite.
///
/// Every write also records what it changed in the `changes` table, the
/// `warden.changes/1` feed (see ``Schema``): inserts as one added range per flush,
/// written before anything else is logged or committed; deletes as they happen.
final class SQLiteBackend: BanBackend, @unchecked Sendable {
    static let name = "sqlite"
    static let offersMaintenance = true
    static let offersChanges = true
    static let offersHistory = true
    static let offersSignalIDs = true
    static let offersDocuments = true
    static let version = "1.0.0 (swift, SQLite \(String(cString: sqlite3_libversion())))"

    let host: BackendHost
    private let lock = BackendLock()
    private var settings: SQLiteSettings?
    private var db: SQLiteConnection?
    /// Signals inserted in the open transaction.
    private var pending = 0
    /// Why signals were rolled back outside `flush` (a failed commit of the auto-commit
    /// thread, the change feed, a delete, or an insert that rolled the transaction back):
    /// the next `flush` reports it, because whoever inserted them has not been told they
    /// are stored, and is waiting on that flush. Not set for the failing call's own signal:
    /// its caller hears of it at once.
    private var unreportedLoss: BackendError?
    private var autoCommitter: AutoCommitter?
    private var lastExpiryNs: Int64 = 0
    /// The first id of the bans inserted in the open transaction that the feed has not
    /// logged yet; nil when there are none.
    private var unloggedFrom: Int64?

    init(host: BackendHost) {
        self.host = host
    }

    // MARK: - Set-up

    func configure(_ config: BackendConfig) throws {
        let settings = try SQLiteSettings(config)
        self.settings = settings
        try lock.withLock { _ = try connection() }
    }

    /// The open connection; opens, tunes and migrates the file on first use.
    private func connection() throws -> SQLiteConnection {
        if let db { return db }
        guard let settings else { throw BackendError(.invalid, "sqlite: used before init") }
        do {
            let db = try SQLiteConnection(path: settings.path, busyTimeoutMs: Int32(settings.busyTimeoutMs))
            do {
                try db.execute("PRAGMA journal_mode = WAL")
                try db.execute("PRAGMA synchronous = \(settings.synchronous == "full" ? "FULL" : "NORMAL")")
                if settings.cacheSizeKb > 0 { try db.execute("PRAGMA cache_size = -\(settings.cacheSizeKb)") }
                try Schema.migrate(db)
            } catch {
                db.close()  // not kept, so closed here: `shutdown` only closes the kept one
                throw error
            }
            self.db = db
            return db
        } catch let error as Schema.SchemaTooNew {
            throw BackendError(
                .invalid,
                "sqlite: '\(settings.path)' has schema version \(error.found), newer than this backend's "
                    + "\(Schema.currentVersion); upgrade warden, or point db_path at another file")
        } catch let error as SQLiteError {
            throw BackendError(
                error.isBusy ? .busy : .io,
                "sqlite: cannot use '\(settings.path)': \(error); check that db_path names a SQLite database "
                    + "(or a new file in a writable folder)")
        }
    }

    /// Runs `body` on the connection under the lock, turning SQLite errors into backend errors.
    func withDatabase<R>(_ what: String, _ body: (SQLiteConnection) throws -> R) throws -> R {
        try lock.withLock {
            let db = try connection()
            do {
                return try body(db)
            } catch let error as SQLiteError {
                throw BackendError(error.isBusy ? .busy : .io, message(for: error, doing: what))
            }
        }
    }

    private func message(for error: SQLiteError, doing what: String) -> String {
        let hint = error.isBusy
            ? "another process held the database longer than busy_timeout (\(settings?.busyTimeoutMs ?? 0) ms); retry, or raise busy_timeout"
            : "check the disk and the file '\(settings?.path ?? "")'"
        return "sqlite: \(what) failed: \(error); \(hint)"
    }

    func beginIfNeeded(_ db: SQLiteConnection) throws {
        if !db.inTransaction { try db.statement(.begin).run() }
    }

    /// Commits the open transaction, if any. On failure rolls back and says how much was lost;
    /// signals other than the caller's own `ownSignals` (the last ones buffered) were inserted
    /// by callers who wait for the next flush, which will report the loss to them.
    func commit(_ db: SQLiteConnection, ownSignals: Int = 0) throws {
        guard db.inTransaction else { return }
        do {
            try logAdded(db)
            try db.statement(.commit).run()
            pending = 0
        } catch {
            let lost = pending
            try? db.execute("ROLLBACK")
            pending = 0
            unloggedFrom = nil
            let failure = BackendError(
                .io, "sqlite: commit failed, \(lost) buffered signal(s) rolled back: \(error); check the disk")
            if lost > ownSignals { unreportedLoss = failure }
            throw failure
        }
    }

    // MARK: - The eight operations

    /// Logs the bans inserted since the last log as one added range, before anything
    /// else is logged or committed.
    func logAdded(_ db: SQLiteConnection) throws {
        guard let from = unloggedFrom else { return }
        let added = try db.statement(.logAdded)
        added.bind(from, at: 1)
        added.bind(host.now(), at: 2)
        try added.run()
        unloggedFrom = nil
    }

    func insert(raw signal: RawSignal) throws {
        _ = try store(signal, operation: "insert")
    }

    /// The id is known as soon as the rows are written: the insert stays buffered.
    func insertReturningID(raw signal: RawSignal) throws -> Int64 {
        try store(signal, operation: "insert_signal") ?? 0
    }

    /// Writes `signal` in the open transaction; the id of its first ban (nil without bans).
    private func store(_ signal: RawSignal, operation: String) throws -> Int64? {
        try withDatabase(operation) { db in
            try beginIfNeeded(db)
            let firstID = try insertAllOrNothing(signal, db)
            if unloggedFrom == nil { unloggedFrom = firstID }
            pending += 1
            if autoCommitter != nil, pending >= (settings?.background.autoCommitRows ?? 100) { try commit(db, ownSignals: 1) }
            return firstID
        }
    }

    /// Writes `signal` in the open transaction, all of it or none of it, keeping the
    /// signals before it. One INSERT is atomic on its own (SQLite undoes a statement that
    /// fails); a signal that takes several (more bans, or events) is written under a
    /// savepoint, rolled back when one of them fails. Signals of one ban and no events or labels,
    /// the common case, skip the savepoint and its two statements.
    /// Returns the id of the signal's first ban (nil when it has none).
    private func insertAllOrNothing(_ signal: RawSignal, _ db: SQLiteConnection) throws -> Int64? {
        let several = signal.bans.count > 1 || !signal.events.isEmpty || signal.fields.labels.count > 0
        if several { try db.statement(.savepoint).run() }
        do {
            let firstID = try SignalRows.write(signal, to: db)
            if several { try db.statement(.releaseSavepoint).run() }
            return firstID
        } catch let error as SQLiteError {
            guard db.inTransaction else {
                // Some failures (disk full, I/O errors, a trigger's RAISE(ROLLBACK)) make
                // SQLite roll back the whole transaction: say what went with it.
                let lost = pending
                pending = 0
                unloggedFrom = nil
                let failure = BackendError(
                    .io, "sqlite: insert failed: \(error); SQLite rolled back the open transaction, and the "
                        + "\(lost) signal(s) buffered before this one with it; check the disk and the file "
                        + "'\(settings?.path ?? "")', then send them again")
                if lost > 0 { unreportedLoss = failure }  // their callers wait for the next flush
                throw failure
            }
            if several {
                try? db.statement(.rollbackToSavepoint).run()
                try? db.statement(.releaseSavepoint).run()
            }
            throw error
        }
    }

    func read(at: Int64, rawSink sink: (UnsafePointer<warden_ban_row_t>) -> Bool) throws {
        try withDatabase("read_at") { db in
            let statement = try db.statement(.activeAt)
            defer { statement.reset() }
            statement.bind(at, at: 1)
            while try statement.step() {
                var row = RowColumns.row(statement)
                if !withUnsafePointer(to: &row, sink) { break }
            }
        }
    }

    func delete(target: String) throws -> Int {
        try withDatabase("delete") { db in
            try beginIfNeeded(db)
            try logAdded(db)
            let now = host.now()
            let statement = try db.statement(.endTarget)
            defer { statement.reset() }
            statement.bind(now, at: 1)
            statement.bind(target, at: 2)
            var ended: [Int64] = []
            while try statement.step() { ended.append(statement.int64(0)) }
            // One ended change per ban: a target may have had several live (ABI 1.2).
            let log = try db.statement(.logEndedBan)
            for id in ended.sorted() {
                log.bind(now, at: 1)
                log.bind(id, at: 2)
                try log.run()
            }
            return ended.count
        }
    }

    func deleteAll() throws -> Int {
        try withDatabase("delete_all") { db in
            try beginIfNeeded(db)
            try logAdded(db)
            let now = host.now()
            let live = Int(try db.statement(.countLive).scalar())
            let endAll = try db.statement(.endAll)
            endAll.bind(now, at: 1)
            try endAll.run()
            if db.changes > 0 {  // a new watermark: one change, however many bans it ended
                let ended = try db.statement(.logEndedThrough)
                ended.bind(now, at: 1)
                try ended.run()
            }
            return live
        }
    }

    func changes(since cursor: Int64, rawSink sink: (UnsafePointer<warden_change_t>) -> Bool) throws -> Int64 {
        try withDatabase("changes_since") { db in
            try commit(db)
            return try FeedReader.read(db, since: cursor, now: host.now(), sink: sink)
        }
    }

    /// Commits what was inserted. Fails, too, when signals inserted since the last flush
    /// were rolled back by a commit that failed in the meantime elsewhere.
    func flush() throws {
        try withDatabase("flush") { db in
            defer { unreportedLoss = nil }
            try commit(db)
            if let unreportedLoss { throw unreportedLoss }
        }
    }

    func startAutoCommit() throws {
        guard let settings else { throw BackendError(.invalid, "sqlite: used before init") }
        guard autoCommitter == nil else { return }
        autoCommitter = try AutoCommitter(host: host, settings: settings.background) { [self] now, expire, retain in
            try withDatabase("auto-commit") { db in
                guard pending > 0 || db.inTransaction || expire || retain else { return MaintenanceReport() }
                try beginIfNeeded(db)
                let report = try maintain(db, now: now, expire: expire, retain: retain)
                try commit(db)
                return report
            }
        }
    }

    func shutdown() throws {
        autoCommitter?.stop()
        autoCommitter = nil
        try lock.withLock {
            guard let db else { return }
            defer {
                db.close()
                self.db = nil
            }
            do {
                try commit(db)
            } catch let error as SQLiteError {
                throw BackendError(.io, message(for: error, doing: "shutdown"))
            }
        }
    }

    // MARK: - Background work

    func runMaintenance(now: Int64) throws -> MaintenanceReport {
        try withDatabase("maintenance") { db in
            try beginIfNeeded(db)
            let report = try maintain(db, now: now, expire: true, retain: true)
            try commit(db)
            return report
        }
    }

    /// Ends expired bans (when `flush` is true) and applies retention, inside the open transaction.
    private func maintain(_ db: SQLiteConnection, now: Int64, expire: Bool, retain: Bool) throws -> MaintenanceReport {
        guard let settings else { return MaintenanceReport() }
        try logAdded(db)  // so that a purge finds the added range of every ban it deletes
        var report = MaintenanceReport()
        if expire && settings.background.expireEnded {
            let statement = try db.statement(.expire)
            statement.bind(now, at: 1)
            statement.bind(lastExpiryNs, at: 2)
            try statement.run()
            report.expired = db.changes
            lastExpiryNs = now
        }
        if retain {
            var newestPurged: Int64 = 0
            /// Runs a purge statement, which returns the ids it deleted.
            func purge(_ statement: SQLiteStatement) throws {
                defer { statement.reset() }
                while try statement.step() {
                    report.purged += 1
                    newestPurged = max(newestPurged, statement.int64(0))
                }
            }
            if settings.background.maxRecords > 0 {
                let excess = Int(try db.statement(.countRows).scalar()) - settings.background.maxRecords
                if excess > 0 {
                    let statement = try db.statement(.purgeOldest)
                    statement.bind(now, at: 1)
                    statement.bind(Int64(excess), at: 2)
                    try purge(statement)
                }
            }
            if settings.background.maxRecordsAgeNs > 0 {
                let statement = try db.statement(.purgeOlderThan)
                statement.bind(now, at: 1)
                statement.bind(now - settings.background.maxRecordsAgeNs, at: 2)
                try purge(statement)
                let horizon = try db.statement(.moveHorizon)
                horizon.bind(now - settings.background.maxRecordsAgeNs, at: 1)
                try horizon.run()
            }
            if newestPurged > 0 {
                let horizon = try db.statement(.purgedAdded)
                horizon.bind(newestPurged, at: 1)
                try horizon.run()
            }
            try db.statement(.forgetChanges).run()
            if report.purged > 0 {
                try db.statement(.purgeOrphanEvents).run()
                try db.statement(.purgeOrphanLabels).run()
                try db.statement(.purgeOrphanDeletions).run()
                try db.statement(.purgeOldMarks).run()
            }
        }
        return report
    }
}

/// The ABI entry point of `libwarden-backend-sqlite.so`.
@c(New) public func New(
    host: UnsafePointer<warden_host_t>?, out: UnsafeMutablePointer<UnsafeMutablePointer<warden_backend_t>?>?,
    err: UnsafeMutablePointer<CChar>?, errLen: Int
) -> Int32 {
    exportBackend(SQLiteBackend.self, host: host, out: out, err: err, errLen: errLen)
}
