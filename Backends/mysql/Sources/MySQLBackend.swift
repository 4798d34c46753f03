import CMariaDB
import CWardenBackend
import Glibc
import WardenBackendKit

/// Bans in MySQL or MariaDB through MariaDB Connector/C, for several Warden hosts
/// sharing one database (a Galera cluster included).
///
/// Inserts are copied into an in-memory batch; `flush` (or the auto-commit thread)
/// sends it as array-bound executes of 1000 rows in one transaction. The batch is
/// only dropped after COMMIT succeeds: when the connection breaks, the backend
/// reconnects and sends the whole batch again, for up to `retry_timeout`, logging
/// one line when the outage starts and one when it ends.
final class MySQLBackend: BanBackend, @unchecked Sendable {
    static let name = "mysql"
    static let version = "1.0.0 (swift, MariaDB Connector/C \(String(cString: mysql_get_client_info())))"
    static let offersMaintenance = true
    static let offersChanges = true
    static let offersHistory = true
    static let offersSignalIDs = true
    static let offersDocuments = true

    private static let arrayChunk = 1000
    private static let multiRowChunk = 500

    let host: BackendHost
    let lock = BackendLock()
    private var settings: MySQLSettings?
    private var db: MySQLConnection?
    private var batch = BanBatch()
    /// Events of the batch's signals, copied out of the host's structs.
    private typealias PendingEvent = (uid: Int64, time: Int64, source: [UInt8], serialized: [UInt8])
    private var events: [PendingEvent] = []
    /// Labels of the batch's signals, likewise.
    private var labels: [(uid: Int64, key: [UInt8], value: [UInt8])] = []
    /// Signals in the batch.
    private var pending = 0
    /// The uid of the batch's first signal: after a connection lost during COMMIT, finding
    /// it stored tells that the commit went through (see ``commitBatch(ownSignals:)``).
    private var firstUID: Int64?
    private var useArrayBinding = true
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
        let settings = try MySQLSettings(config)
        self.settings = settings
        useArrayBinding = settings.bulk != "multirow"
        try lock.withLock {
            do {
                let db = try MySQLConnection.open(settings)
                try MySQLSchema.migrate(db)
                // Galera replays a transaction that a conflict aborted during its commit, and
                // that replay drops the rows of an array-bound (bulk) insert while it reports
                // success (MariaDB 10.11, galera-4 26.4): measured as bans missing beside their
                // signal's events. Multi-row INSERT is replayed whole.
                if settings.bulk != "multirow", try db.isGaleraNode() {
                    useArrayBinding = false
                    host.log(settings.bulk == "array" ? .warning : .info,
                             "the server is a Galera cluster node; bans are sent with multi-row INSERT"
                                 + (settings.bulk == "array" ? " (bulk: array would lose the rows of a replayed commit)" : ""))
                }
                self.db = db
            } catch let error as MySQLSchema.SchemaTooNew {
                throw BackendError(
                    .invalid, "mysql: database '\(settings.database)' has schema version \(error.found), newer than "
                        + "this backend's \(MySQLSchema.currentVersion); upgrade warden on this host")
            } catch let error as MySQLError {
                throw BackendError(
                    error.isConnectionLost ? .io : .invalid,
                    "mysql: cannot use \(settings.database) on \(settings.endpoint) as '\(settings.username)': \(error); "
                        + "check that the server runs and db_host/db_port/db_socket, db_username, db_password, db_name")
            }
        }
    }

    private func requireSettings() throws -> MySQLSettings {
        guard let settings else { throw BackendError(.invalid, "mysql: used before init") }
        return settings
    }

    /// Runs `body` on a live connection, reconnecting and running it again while the
    /// server is unreachable, and again when the server undid it for a conflict (on Galera,
    /// two nodes that write at once both take the change feed's lock row, and certification
    /// refuses the later commit), each up to `retry_timeout`. `body` must be safe to repeat.
    func withConnection<R>(_ what: String, _ body: (MySQLConnection) throws -> R) throws -> R {
        let settings = try requireSettings()
        let start = host.now()
        var delayUs: UInt32 = 100_000
        var outage: MySQLError?
        var conflicts = 0, lastConflict = ""
        let retryNs = Int64(settings.retryTimeoutSeconds) * 1_000_000_000
        while true {
            do {
                if db == nil { db = try MySQLConnection.open(settings) }
                let result = try body(db!)
                if outage != nil {
                    let seconds = Double((host.now() - start) / 1_000_000) / 1000
                    host.log(.warning, "reconnected to \(db!.endpoint) after \(seconds) s; \(what) done")
                }
                if conflicts > 0 {
                    host.log(.info, "conflict: \(what) on \(db!.endpoint) was undone \(conflicts) time(s) by the server "
                        + "(\(lastConflict)) before it went through")
                }
                return result
            } catch let error as MySQLError where error.isConnectionLost {
                if outage == nil {
                    host.log(.warning, "lost the connection to \(db?.endpoint ?? settings.endpoint) during \(what): "
                        + "\(error.message); retrying for up to \(settings.retryTimeoutSeconds) s")
                }
                db = nil
                outage = error
                guard host.now() - start < Int64(settings.retryTimeoutSeconds) * 1_000_000_000 else {
                    throw BackendError(
                        .busy, "mysql: \(what) failed: \(settings.endpoint) stayed unreachable for "
                            + "\(settings.retryTimeoutSeconds) s (\(error)); retry later")
                }
                usleep(delayUs)
                delayUs = min(delayUs * 2, 2_000_000)
            } catch let error as MySQLError where error.isConflict && host.now() - start < retryNs {
                // Bounded by retry_timeout, spaced out at random so that writers on several
                // nodes, which all take the change feed's lock row, stop colliding.
                conflicts += 1
                lastConflict = error.message
                host.count("conflict_retry")
                usleep(UInt32.random(in: 1_000...min(200_000, 5_000 << min(conflicts, 6))))
            } catch let error as MySQLError {
                throw BackendError(.io, "mysql: \(what) failed on \(db?.endpoint ?? settings.endpoint): \(error)")
            }
        }
    }

    // MARK: - Writes

    func insert(raw signal: RawSignal) throws {
        try lock.withLock {
            try buffer(signal)
            if autoCommitter != nil, pending >= settings!.background.autoCommitRows { try commitBatch(ownSignals: 1) }
        }
    }

    /// Ids come from the server as rows are inserted: the batch, this signal last, is
    /// committed now, then the signal's id read as read_signals reads it (the least id of
    /// its rows: ids may step by more than one, as under Galera's auto-increment control).
    func insertReturningID(raw signal: RawSignal) throws -> Int64 {
        try lock.withLock {
            let uid = try buffer(signal)
            try commitBatch(ownSignals: 1)
            guard !signal.bans.isEmpty else { return 0 }
            return try withConnection("insert_signal") { db in
                var id: Int64 = 0
                try db.query("SELECT MIN(id) FROM bans WHERE signal_uid = \(uid)") { fields, _ in
                    id = fields[0].map { strtoll($0, nil, 10) } ?? 0
                    return true
                }
                guard id > 0 else {
                    throw BackendError(.internal, "mysql: insert_signal: the committed signal's rows are not found (uid \(uid))")
                }
                return id
            }
        }
    }

    /// Adds `signal` to the batch; its uid. Called under the lock.
    @discardableResult
    private func buffer(_ signal: RawSignal) throws -> Int64 {
        _ = try requireSettings()
        try SignalLimits.check(signal)
        let uid = Int64.random(in: 1...Int64.max)
        batch.append(signal, uid: uid)
        // The batch is recognized by a signal that leaves rows `committed` can find.
        if firstUID == nil, !signal.bans.isEmpty || !signal.events.isEmpty { firstUID = uid }
        for e in signal.events {
            events.append((uid, e.time_ns, Array(e.source.bytes), Array(e.serialized.bytes)))
        }
        let map = signal.fields.labels
        for i in 0..<map.count {  // warden_kv_t is frozen: indexed as usual
            labels.append((uid, Array(map.items[i].key.bytes), Array(map.items[i].value.bytes)))
        }
        pending += 1
        return uid
    }

    /// Sends the batch in one transaction and forgets it once committed. Called under the lock.
    /// On failure the batch is dropped; signals other than the caller's own `ownSignals` (the
    /// last ones buffered) came from callers who wait for the next flush, which reports it.
    func commitBatch(ownSignals: Int = 0) throws {
        guard batch.count > 0 || !events.isEmpty else { return }
        var sent = false
        do {
            try withConnection("flush of \(batch.count) ban(s)") { db in
                // Always a transaction, even for one statement: the bans and the change feed's
                // record of them commit together, under the feed's lock (see MySQLFeed).
                try transaction(db) {
                    try db.execute(MySQLFeed.lock)
                    // This batch's COMMIT was sent and the connection broke: if the server
                    // committed it (COMMIT got there, its answer did not), sending it again would
                    // store it twice. Checked under the lock (on Galera, a write set of that
                    // commit applied after the check makes this one's certification fail, and
                    // the check runs again).
                    if sent, let uid = firstUID, try committed(uid, db) {
                        host.log(.warning, "the earlier COMMIT of this flush went through (its answer was lost); not sent again")
                        return
                    }
                    var start = 0, firstID: Int64?
                    while start < batch.count {
                        let (count, id) = try insertChunk(db, from: start)
                        start += count
                        firstID = firstID ?? id  // ids only grow: the first chunk's first is the least
                    }
                    for event in events { try insert(event, db) }
                    for label in labels {
                        try BindArena.with { arena in
                            try db.statement(MySQLHistory.insertLabel).execute(arena.binds(values: [label.uid, label.key, label.value]))
                        }
                    }
                    if let firstID { try db.execute(MySQLFeed.logAdded(from: firstID, now: host.now())) }
                    sent = true  // COMMIT comes next
                }
            }
        } catch let error as BackendError {
            // Rolled back, outage or not: the host reports this write as failed and its
            // caller sends it again, so a batch kept for a later commit would store it twice.
            // Once its COMMIT was sent, whether it went through is unknown when no host answers.
            let dropped = batch.count, droppedSignals = pending
            clearBatch()
            let outcome = sent ? "may have been stored (the connection broke after COMMIT was sent)" : "were not stored"
            let failure = BackendError(error.status, "\(error.message); \(dropped) buffered ban(s) \(outcome)")
            if droppedSignals > ownSignals { unreportedLoss = failure }
            throw failure
        }
        clearBatch()
    }

    private func clearBatch() {
        batch.removeAll()
        events.removeAll()
        labels.removeAll()
        pending = 0
        firstUID = nil
    }

    /// Whether the signal `uid` is stored (by its bans or its events).
    private func committed(_ uid: Int64, _ db: MySQLConnection) throws -> Bool {
        !(try db.integers("SELECT 1 FROM bans WHERE signal_uid = \(uid) UNION ALL SELECT 1 FROM events WHERE signal_uid = \(uid) LIMIT 1")).isEmpty
    }

    /// Runs `body` in a transaction and commits it. When the server refuses a statement,
    /// rolls back: a refused statement undoes only itself, and the next statement on this
    /// connection would otherwise run in the half-done transaction. A lost connection
    /// needs nothing: the server ends the transaction with it.
    func transaction<R>(_ db: MySQLConnection, _ body: () throws -> R) throws -> R {
        try db.execute("START TRANSACTION")
        do {
            let result = try body()
            try db.execute("COMMIT")
            return result
        } catch let error as MySQLError where !error.isConnectionLost {
            _ = try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Inserts rows from `start`, array-bound when the server can; returns how many it
    /// sent and the id of the first.
    private func insertChunk(_ db: MySQLConnection, from start: Int) throws -> (count: Int, firstID: Int64) {
        if useArrayBinding {
            let range = start..<min(start + Self.arrayChunk, batch.count)
            do {
                let statement = try db.statement(MySQLQueries.insert(rows: 1))
                _ = try batch.withArrayBinds(range) { binds in try statement.execute(binds, arraySize: UInt32(range.count)) }
                return (range.count, statement.insertID)
            } catch let error as MySQLError where error.isBulkUnsupported && settings?.bulk == "auto" {
                host.log(.info, "the server has no bulk operations (\(error.message)); using multi-row INSERT")
                useArrayBinding = false
            }
        }
        let range = start..<min(start + Self.multiRowChunk, batch.count)
        let statement = try db.statement(MySQLQueries.insert(rows: range.count))
        _ = try batch.withRowBinds(range) { binds in try statement.execute(binds) }
        return (range.count, statement.insertID)
    }

    private func insert(_ event: PendingEvent, _ db: MySQLConnection) throws {
        try BindArena.with { arena in
            try db.statement(MySQLQueries.insertEvent).execute(
                arena.binds(values: [event.uid, event.time, event.source, event.serialized]))
        }
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
                    try db.execute(MySQLFeed.lock)
                    _ = try BindArena.with { arena in
                        try db.statement(MySQLHistory.setStrings).execute(
                            arena.binds(values: [Array(target.utf8), [UInt8](), [UInt8](), [UInt8]()]))
                    }
                    // Every live ban of the target: it may have several (ABI 1.2).
                    let ids = try db.integers(MySQLQueries.liveOfTarget(now: now))
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
                    try db.execute(MySQLFeed.lock)
                    let live = Int(try db.integers(MySQLQueries.countLive).first ?? 0)
                    // A new watermark is one change, however many bans it ended.
                    if try db.execute(MySQLQueries.endAll(now: now)) > 0 { try db.execute(MySQLFeed.logEndedThrough(now: now)) }
                    return live
                }
            }
        }
    }

    // MARK: - Reads

    func read(at: Int64, rawSink sink: (UnsafePointer<warden_ban_row_t>) -> Bool) throws {
        try lock.withLock {
            try commitBatch()
            try withConnection("read_at") { db in
                try db.query(MySQLQueries.activeAt(at)) { fields, lengths in
                    var row = MySQLRow.row(fields, lengths)
                    return withUnsafePointer(to: &row, sink)
                }
            }
        }
    }

    func changes(since cursor: Int64, rawSink sink: (UnsafePointer<warden_change_t>) -> Bool) throws -> Int64 {
        try lock.withLock {
            try commitBatch()
            let now = host.now()
            return try withConnection("changes_since") { db in try MySQLFeed.read(db, since: cursor, now: now, sink: sink) }
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
                    try db.execute(MySQLFeed.lock)
                    return try update(db, ids: try db.integers(MySQLQueries.expired(now: now, since: since)),
                                      "UPDATE bans SET ended_ns = \(now) WHERE id IN")
                }
            }
            lastExpiryNs = now
        }
        if retain {
            report.purged = try withConnection("retention") { db in
                try transaction(db) {
                    try db.execute(MySQLFeed.lock)
                    var purged = 0, newestPurged: Int64 = 0
                    func purge(_ ids: [Int64]) throws {
                        purged += try update(db, ids: ids, "DELETE FROM bans WHERE id IN")
                        newestPurged = max(newestPurged, ids.max() ?? 0)
                    }
                    if settings.background.maxRecords > 0 {
                        let excess = Int(try db.integers("SELECT COUNT(*) FROM bans").first ?? 0) - settings.background.maxRecords
                        if excess > 0 { try purge(try db.integers(MySQLQueries.oldestHistory(now: now, limit: excess))) }
                    }
                    if settings.background.maxRecordsAgeNs > 0 {
                        let cutoff = now - settings.background.maxRecordsAgeNs
                        try purge(try db.integers(MySQLQueries.historyBefore(now: now, cutoff: cutoff)))
                        try forgetChanges(db, cutoff: cutoff)
                    }
                    if newestPurged > 0 { try db.execute(MySQLFeed.purgedAdded(newestPurged)) }
                    if purged > 0 {
                        try db.execute(MySQLQueries.purgeOrphanEvents)
                        try db.execute(MySQLHistory.purgeOrphanLabels)
                        try db.execute(MySQLHistory.purgeOrphanDeletions)
                        try db.execute(MySQLQueries.purgeOldMarks)
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
    private func forgetChanges(_ db: MySQLConnection, cutoff: Int64) throws {
        let bound = try db.integers(MySQLFeed.forgettable(cutoff: cutoff)).first ?? 0
        if bound > 0 { for statement in MySQLFeed.forget(through: bound) { try db.execute(statement) } }
    }

    /// Runs `statement (ids…)` in chunks of 1000 ids; returns the affected rows.
    private func update(_ db: MySQLConnection, ids: [Int64], _ statement: String) throws -> Int {
        var affected = 0
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let chunk = ids[start..<min(start + 1000, ids.count)].map(String.init).joined(separator: ",")
            affected += Int(try db.execute("\(statement) (\(chunk))"))
        }
        return affected
    }
}

/// The ABI entry point of `libwarden-backend-mysql.so`.
@c(New) public func New(
    host: UnsafePointer<warden_host_t>?, out: UnsafeMutablePointer<UnsafeMutablePointer<warden_backend_t>?>?,
    err: UnsafeMutablePointer<CChar>?, errLen: Int
) -> Int32 {
    exportBackend(MySQLBackend.self, host: host, out: out, err: err, errLen: errLen)
}
