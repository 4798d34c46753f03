import CPostgreSQL
import CWardenBackend
import Glibc
import WardenBackendKit

/// Bans in PostgreSQL through libpq, for several Warden hosts sharing one database, a
/// primary with standbys included (several hosts in `db_host`, libpq settles on the
/// read-write one).
///
/// Inserts are written into an in-memory COPY batch; `flush` (or the auto-commit
/// thread) sends it with `COPY ... FROM STDIN` in one transaction. The batch is only
/// dropped after COMMIT succeeds: when the connection breaks, the backend reconnects
/// (to whichever host of the list is read-write now) and sends the whole batch again,
/// for up to `retry_timeout`, logging one line when the outage starts and one when it ends.
final class PostgreSQLBackend: BanBackend, @unchecked Sendable {
    static let name = "postgresql"
    static let version = "1.0.0 (swift, libpq \(PQlibVersion() / 10000).\(PQlibVersion() % 10000))"
    static let offersMaintenance = true
    static let offersChanges = true
    static let offersHistory = true
    static let offersSignalIDs = true
    static let offersDocuments = true

    let host: BackendHost
    let lock = BackendLock()
    private var settings: PostgreSQLSettings?
    private var db: PostgreSQLConnection?
    private var batch = CopyBatch()
    /// The uid of the batch's first signal: after a connection lost during COMMIT, finding
    /// it stored tells that the commit went through (see ``commitBatch(ownSignals:)``).
    private var firstUID: Int64?
    private var autoCommitter: AutoCommitter?
    /// Why bans were dropped by a commit that `flush` did not make (the auto-commit thread,
    /// the change feed, a delete, an insert's commit): the next `flush` reports it, because
    /// whoever buffered them has not been told they are stored, and is waiting on that flush.
    /// Not set for the failing call's own signal: its caller hears of it at once.
    private var unreportedLoss: BackendError?
    private var lastExpiryNs: Int64 = 0

    init(host: BackendHost) {
        self.host = host
    }

    // MARK: - Connection

    func configure(_ config: BackendConfig) throws {
        let settings = try PostgreSQLSettings(config)
        self.settings = settings
        try lock.withLock {
            do {
                let db = try PostgreSQLConnection(settings)
                try PostgreSQLSchema.migrate(db)
                self.db = db
            } catch let error as PostgreSQLSchema.SchemaTooNew {
                throw BackendError(
                    .invalid, "postgresql: database '\(settings.database)' has schema version \(error.found), newer than "
                        + "this backend's \(PostgreSQLSchema.currentVersion); upgrade warden on this host")
            } catch let error as PostgreSQLError {
                throw BackendError(
                    error.isConnectionLost ? .io : .invalid,
                    "postgresql: cannot use \(settings.database) on \(settings.endpoint) as '\(settings.username)': \(error); "
                        + "check that the server runs and db_host/db_port, db_username, db_password, db_name, sslmode")
            }
        }
    }

    private func requireSettings() throws -> PostgreSQLSettings {
        guard let settings else { throw BackendError(.invalid, "postgresql: used before init") }
        return settings
    }

    /// Runs `body` on a live connection, reconnecting and running it again while no host
    /// takes it, and again when the server undid it for a conflict, each up to
    /// `retry_timeout`. `body` must be safe to repeat.
    func withConnection<R>(_ what: String, _ body: (PostgreSQLConnection) throws -> R) throws -> R {
        let settings = try requireSettings()
        let start = host.now()
        var delayUs: UInt32 = 100_000
        var outage: PostgreSQLError?
        var conflicts = 0, lastConflict = ""
        let retryNs = Int64(settings.retryTimeoutSeconds) * 1_000_000_000
        while true {
            do {
                if db == nil { db = try PostgreSQLConnection(settings) }
                let result = try body(db!)
                if outage != nil {
                    let seconds = Double((host.now() - start) / 1_000_000) / 1000
                    host.log(.warning, "reconnected to \(db!.reachedEndpoint) after \(seconds) s; \(what) done")
                }
                if conflicts > 0 {
                    host.log(.info, "conflict: \(what) on \(db!.reachedEndpoint) was undone \(conflicts) time(s) by the "
                        + "server (\(lastConflict)) before it went through")
                }
                return result
            } catch let error as PostgreSQLError where error.isConnectionLost {
                db = nil
                if outage == nil {
                    host.log(.warning, "lost the connection to \(settings.endpoint) during \(what): \(error.message); "
                        + "retrying for up to \(settings.retryTimeoutSeconds) s")
                }
                outage = error
                guard host.now() - start < Int64(settings.retryTimeoutSeconds) * 1_000_000_000 else {
                    throw BackendError(
                        .busy, "postgresql: \(what) failed: no host of \(settings.endpoint) took it for "
                            + "\(settings.retryTimeoutSeconds) s (\(error)); retry later")
                }
                usleep(delayUs)
                delayUs = min(delayUs * 2, 2_000_000)
            } catch let error as PostgreSQLError where error.isRetryable && host.now() - start < retryNs {
                // Bounded by retry_timeout, spaced out at random so the colliding writers part.
                conflicts += 1
                lastConflict = error.message
                host.count("conflict_retry")
                usleep(UInt32.random(in: 1_000...min(200_000, 5_000 << min(conflicts, 6))))
            } catch let error as PostgreSQLError {
                throw BackendError(.io, "postgresql: \(what) failed on \(db?.reachedEndpoint ?? settings.endpoint): \(error)")
            }
        }
    }

    /// Runs `body` in a transaction and commits it. When the server refuses a statement,
    /// rolls back: PostgreSQL takes no further statement in a failed transaction. A lost
    /// connection needs nothing: the server ends the transaction with it.
    func transaction<R>(_ db: PostgreSQLConnection, _ body: () throws -> R) throws -> R {
        try db.execute("BEGIN")
        do {
            let result = try body()
            try db.execute("COMMIT")
            return result
        } catch let error as PostgreSQLError where !error.isConnectionLost {
            _ = try? db.execute("ROLLBACK")
            throw error
        } catch let error as BackendError {
            _ = try? db.execute("ROLLBACK")
            throw error
        }
    }

    // MARK: - Writes

    func insert(raw signal: RawSignal) throws {
        try lock.withLock {
            try buffer(signal)
            if autoCommitter != nil, batch.signalCount >= settings!.background.autoCommitRows {
                try commitBatch(ownSignals: 1)
            }
        }
    }

    /// Ids come from the server as rows are inserted: the batch, this signal last, is
    /// committed now, then the signal's id read as read_signals reads it (the least id of its rows).
    func insertReturningID(raw signal: RawSignal) throws -> Int64 {
        try lock.withLock {
            let uid = try buffer(signal)
            try commitBatch(ownSignals: 1)
            guard !signal.bans.isEmpty else { return 0 }
            return try withConnection("insert_signal") { db in
                let id = try db.integers("SELECT MIN(id) FROM bans WHERE signal_uid = \(uid)").first ?? 0
                guard id > 0 else {
                    throw BackendError(.internal, "postgresql: insert_signal: the committed signal's rows are not found (uid \(uid))")
                }
                return id
            }
        }
    }

    /// Adds `signal` to the batch; its uid. Called under the lock.
    @discardableResult
    private func buffer(_ signal: RawSignal) throws -> Int64 {
        _ = try requireSettings()
        try SignalText.check(signal)
        let uid = Int64.random(in: 1...Int64.max)
        batch.append(signal, uid: uid)
        // The batch is recognized by a signal that leaves rows `committed` can find.
        if firstUID == nil, !signal.bans.isEmpty || !signal.events.isEmpty { firstUID = uid }
        return uid
    }

    /// Sends the batch in one transaction and forgets it once committed. Called under the lock.
    /// On failure the batch is dropped; signals other than the caller's own `ownSignals` (the
    /// last ones buffered) came from callers who wait for the next flush, which reports it.
    func commitBatch(ownSignals: Int = 0) throws {
        guard !batch.isEmpty else { return }
        defer {
            batch.removeAll()
            firstUID = nil
        }
        var sent = false
        do {
            try withConnection("flush of \(batch.banCount) ban(s)") { db in
                // Always a transaction: the bans and the change feed's record of them commit
                // together, under the feed's lock (see PostgreSQLFeed).
                try transaction(db) {
                    try db.execute(PostgreSQLFeed.lock)
                    // This batch's COMMIT was sent and the connection broke: if the server
                    // committed it (COMMIT got there, its answer did not), sending it again would
                    // store it twice. Checked under the lock, which waits for that commit if the
                    // server is still finishing it.
                    if sent, let uid = firstUID, try committed(uid, db) {
                        host.log(.warning, "the earlier COMMIT of this flush went through (its answer was lost); not sent again")
                        return
                    }
                    let last = try db.integers(PostgreSQLFeed.lastBanID).first ?? 0
                    if !batch.bans.isEmpty { try db.copy(CopyBatch.copyBans, batch.bans) }
                    if !batch.events.isEmpty { try db.copy(CopyBatch.copyEvents, batch.events) }
                    if !batch.labels.isEmpty { try db.copy(CopyBatch.copyLabels, batch.labels) }
                    if batch.banCount > 0 { try db.execute(PostgreSQLFeed.logAdded(after: last, now: host.now())) }
                    sent = true  // COMMIT comes next
                }
            }
        } catch let error as BackendError {
            // Rolled back, outage or not: the host reports this write as failed and its
            // caller sends it again, so a batch kept for a later commit would store it twice.
            // Once its COMMIT was sent, whether it went through is unknown when no host answers.
            let outcome = sent ? "may have been stored (the connection broke after COMMIT was sent)" : "were not stored"
            let failure = BackendError(error.status, "\(error.message); \(batch.banCount) buffered ban(s) \(outcome)")
            if batch.signalCount > ownSignals { unreportedLoss = failure }
            throw failure
        }
    }

    /// Whether the signal `uid` is stored (by its bans or its events).
    private func committed(_ uid: Int64, _ db: PostgreSQLConnection) throws -> Bool {
        !(try db.integers("SELECT 1 FROM bans WHERE signal_uid = \(uid) UNION ALL SELECT 1 FROM events WHERE signal_uid = \(uid) LIMIT 1")).isEmpty
    }

    /// Commits the batch. Fails, too, when bans buffered since the last flush were dropped
    /// by a commit that failed in the meantime elsewhere.
    func flush() throws {
        try lock.withLock {
            defer { unreportedLoss = nil }
            try commitBatch()
            if let unreportedLoss { throw unreportedLoss }
        }
    }

    func delete(target: String) throws -> Int {
        try lock.withLock {
            try commitBatch()
            let now = host.now()
            return try withConnection("delete") { db in
                try transaction(db) {
                    try db.execute(PostgreSQLFeed.lock)
                    // Every live ban of the target: it may have several (ABI 1.2).
                    let ids = try db.integers(PostgreSQLQueries.liveOfTarget(now: now), [Array(target.utf8)])
                    try end(ids, now: now, db)
                    return ids.count
                }
            }
        }
    }

    func deleteAll() throws -> Int {
        try lock.withLock {
            try commitBatch()
            let now = host.now()
            return try withConnection("delete_all") { db in
                try transaction(db) {
                    try db.execute(PostgreSQLFeed.lock)
                    let live = Int(try db.integers(PostgreSQLQueries.countLive).first ?? 0)
                    // A new watermark is one change, however many bans it ended.
                    if try db.execute(PostgreSQLQueries.endAll(now: now)) > 0 {
                        try db.execute(PostgreSQLFeed.logEndedThrough(now: now))
                    }
                    return live
                }
            }
        }
    }

    /// Ends bans `ids` at `now`, one feed change each, in the caller's transaction.
    func end(_ ids: [Int64], now: Int64, _ db: PostgreSQLConnection) throws {
        guard !ids.isEmpty else { return }
        try db.execute("UPDATE bans SET ended_ns = \(now) WHERE id IN (\(ids.map(String.init).joined(separator: ",")))")
        try db.execute(PostgreSQLHistory.logEnded(ids, now: now))
    }

    // MARK: - Reads

    func read(at: Int64, rawSink sink: (UnsafePointer<warden_ban_row_t>) -> Bool) throws {
        try lock.withLock {
            try commitBatch()
            try withConnection("read_at") { db in
                try db.stream(PostgreSQLQueries.activeAt(at)) { row in
                    var ban = PostgreSQLBanRow.row(row)
                    return withUnsafePointer(to: &ban, sink)
                }
            }
        }
    }

    func changes(since cursor: Int64, rawSink sink: (UnsafePointer<warden_change_t>) -> Bool) throws -> Int64 {
        try lock.withLock {
            try commitBatch()
            let now = host.now()
            return try withConnection("changes_since") { db in
                try PostgreSQLFeed.read(db, since: cursor, now: now, sink: sink)
            }
        }
    }

    // MARK: - Background work

    func startAutoCommit() throws {
        let settings = try requireSettings()
        guard autoCommitter == nil else { return }
        autoCommitter = try AutoCommitter(host: host, settings: settings.background) { [self] now, expire, retain in
            try lock.withLock {
                try commitBatch()
                return expire || retain ? try maintain(now: now, expire: expire, retain: retain) : MaintenanceReport()
            }
        }
    }

    func shutdown() throws {
        autoCommitter?.stop()
        autoCommitter = nil
        try lock.withLock {
            defer { db = nil }
            if settings != nil { try commitBatch() }
        }
    }

    func runMaintenance(now: Int64) throws -> MaintenanceReport {
        try lock.withLock {
            try commitBatch()
            return try maintain(now: now, expire: true, retain: true)
        }
    }

    /// Ends expired bans (when `flush` is true) and applies retention. Called under the lock.
    private func maintain(now: Int64, expire: Bool, retain: Bool) throws -> MaintenanceReport {
        let settings = try requireSettings()
        var report = MaintenanceReport()
        if expire && settings.background.expireEnded {
            let since = lastExpiryNs
            report.expired = try withConnection("expiry") { db in
                try transaction(db) {
                    try db.execute(PostgreSQLFeed.lock)
                    return try update(db, ids: try db.integers(PostgreSQLQueries.expired(now: now, since: since)),
                                      "UPDATE bans SET ended_ns = \(now) WHERE id IN")
                }
            }
            lastExpiryNs = now
        }
        if retain {
            report.purged = try withConnection("retention") { db in
                try transaction(db) {
                    try db.execute(PostgreSQLFeed.lock)
                    var purged = 0, newestPurged: Int64 = 0
                    func purge(_ ids: [Int64]) throws {
                        purged += try update(db, ids: ids, "DELETE FROM bans WHERE id IN")
                        newestPurged = max(newestPurged, ids.max() ?? 0)
                    }
                    if settings.background.maxRecords > 0 {
                        let excess = Int(try db.integers("SELECT COUNT(*) FROM bans").first ?? 0) - settings.background.maxRecords
                        if excess > 0 { try purge(try db.integers(PostgreSQLQueries.oldestHistory(now: now, limit: excess))) }
                    }
                    if settings.background.maxRecordsAgeNs > 0 {
                        let cutoff = now - settings.background.maxRecordsAgeNs
                        try purge(try db.integers(PostgreSQLQueries.historyBefore(now: now, cutoff: cutoff)))
                        try forgetChanges(db, cutoff: cutoff)
                    }
                    if newestPurged > 0 { try db.execute(PostgreSQLFeed.purgedAdded(newestPurged)) }
                    if purged > 0 {
                        try db.execute(PostgreSQLQueries.purgeOrphanEvents)
                        try db.execute(PostgreSQLHistory.purgeOrphanLabels)
                        try db.execute(PostgreSQLHistory.purgeOrphanDeletions)
                        try db.execute(PostgreSQLQueries.purgeOldMarks)
                    }
                    return purged
                }
            }
        }
        return report
    }

    /// Forgets the feed's changes made before `cutoff`: every row up to the newest such one,
    /// so what is kept stays contiguous whatever the hosts' clocks. The horizon moves first:
    /// a reader in between calls its cursor stale a little early, never reads a hole.
    private func forgetChanges(_ db: PostgreSQLConnection, cutoff: Int64) throws {
        let bound = try db.integers(PostgreSQLFeed.forgettable(cutoff: cutoff)).first ?? 0
        if bound > 0 { for statement in PostgreSQLFeed.forget(through: bound) { try db.execute(statement) } }
    }

    /// Runs `statement (ids…)` in chunks of 1000 ids; returns the affected rows.
    private func update(_ db: PostgreSQLConnection, ids: [Int64], _ statement: String) throws -> Int {
        var affected = 0
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let chunk = ids[start..<min(start + 1000, ids.count)].map(String.init).joined(separator: ",")
            affected += try db.execute("\(statement) (\(chunk))")
        }
        return affected
    }
}

/// The ABI entry point of `libwarden-backend-postgresql.so`.
@c(New) public func New(
    host: UnsafePointer<warden_host_t>?, out: UnsafeMutablePointer<UnsafeMutablePointer<warden_backend_t>?>?,
    err: UnsafeMutablePointer<CChar>?, errLen: Int
) -> Int32 {
    exportBackend(PostgreSQLBackend.self, host: host, out: out, err: err, errLen: errLen)
}
