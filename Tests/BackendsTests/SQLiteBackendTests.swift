import CSQLite
import Foundation
import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// Behaviour only the SQLite backend has: files, schema versions, locks, crashes.
final class SQLiteBackendTests: XCTestCase {
    private var folder = ""
    private let clock = ManualClock()
    private let library = BuildProducts.library("warden-backend-sqlite")
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    override func setUpWithError() throws {
        folder = try CCompiler.temporaryFolder("sqlite")
    }

    private func open(_ path: String, _ extra: [String: String] = [:], flush: Bool = false) throws -> LoadedBackend {
        let file = BackendConfigFile(name: "sqlite", libraryPath: library, config: ["db_path": path].merging(extra) { _, b in b }, file: "t")
        return try BanStore.load(file, injected: ["flush": flush ? "true" : "false"], logger: logger, clock: clock.closure,
                                 allowUnsafeFiles: false)
    }

    private func signal(_ target: String, seconds: Int64 = 3600, reason: String = "test") throws -> SignalOrder {
        try Self.signal(target, now: clock.now, seconds: seconds, reason: reason)
    }

    private static func signal(_ target: String, now: Int64, seconds: Int64 = 3600, reason: String = "test") throws
        -> SignalOrder
    {
        ManualBan(target: try BanTarget.parseIP(target), durationNs: seconds * 1_000_000_000, reason: reason)
            .signal(at: now)
    }

    /// Runs SQL on a file directly, bypassing the backend.
    private func sql(_ path: String, _ statements: String) throws {
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(path, &db), SQLITE_OK)
        defer { sqlite3_close(db) }
        var err: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, statements, nil, nil, &err) == SQLITE_OK else {
            throw CCompiler.Failure(description: String(cString: err!))
        }
    }

    /// The rows of `query` on a file, bypassing the backend, each as its columns joined by "|".
    private func rows(_ path: String, _ query: String) throws -> [String] {
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(path, &db), SQLITE_OK)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, query, -1, &statement, nil) == SQLITE_OK else {
            throw CCompiler.Failure(description: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var found: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            found.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "NULL"
            }.joined(separator: "|"))
        }
        return found
    }

    /// The tables and indexes of schema version 1, as a version 1 backend created them.
    private static let version1Schema = """
        CREATE TABLE bans (id INTEGER PRIMARY KEY, signal_id INTEGER, target TEXT NOT NULL, scope INTEGER NOT NULL,
          range_start BLOB, range_end BLOB, origin TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,
          scenario TEXT NOT NULL, country TEXT NOT NULL, as_name TEXT NOT NULL, as_number INTEGER NOT NULL,
          until_ns INTEGER NOT NULL, created_ns INTEGER NOT NULL, signal_scenario TEXT,
          signal_message TEXT NOT NULL, signal_source TEXT, events_count INTEGER NOT NULL,
          start_ns INTEGER, stop_ns INTEGER, simulated INTEGER NOT NULL, ended_ns INTEGER);
        CREATE INDEX bans_target ON bans(target, events_count);
        CREATE INDEX bans_until ON bans(until_ns);
        CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO state VALUES ('ended_through', 0);
        """

    /// What version 2 added to version 1.
    private static let version2Additions = """
        CREATE TABLE events (signal_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, source TEXT NOT NULL,
          serialized TEXT NOT NULL);
        CREATE INDEX events_signal ON events(signal_id);
        CREATE INDEX bans_range ON bans(range_start, range_end) WHERE scope = 2;
        CREATE INDEX bans_ended ON bans(id) WHERE ended_ns IS NOT NULL;
        """

    /// A one-ban `bans` row of schema versions 1 and 2.
    private static func banRow(id: Int, _ target: String, reason: String, createdNs: Int64, untilNs: Int64,
                               endedNs: Int64? = nil) -> String {
        "INSERT INTO bans VALUES (\(id), NULL, '\(target)', 1, NULL, NULL, 'cli', 'ban', '\(reason)', '\(reason)', '', '', "
            + "0, \(untilNs), \(createdNs), NULL, '', NULL, 2, NULL, NULL, 0, \(endedNs.map(String.init) ?? "NULL"));"
    }

    private func loadError(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    func testMissingDatabasePathNamesTheKey() {
        let file = BackendConfigFile(name: "sqlite", libraryPath: library, config: [:], file: "t")
        XCTAssertEqual(
            loadError { try BanStore.load(file, injected: [:], logger: logger, clock: clock.closure, allowUnsafeFiles: false) },
            "backend \"sqlite\" (\(library)): init failed with WARDEN_E_INVALID: missing config key 'db_path': name the "
                + "SQLite file, e.g. /var/lib/warden/warden.db")
    }

    func testUnknownKeysAreAWarning() throws {
        let recorder = LogRecorder()
        let file = BackendConfigFile(name: "sqlite", libraryPath: library,
                                     config: ["db_path": folder + "/w.db", "db_pth": "x", "type": "sqlite"], file: "t")
        _ = try BanStore.load(file, injected: ["flush": "false", "max_records": "10"], logger: recorder.logger(),
                              clock: clock.closure, allowUnsafeFiles: false)
        XCTAssertEqual(recorder.records.filter { $0.level == .warning }.map(\.message),
                       ["ignoring unknown config key(s): db_pth, type"])
    }

    func testNotASQLiteFileIsRefusedClearly() throws {
        let path = folder + "/notes.db"
        try String(repeating: "these are not the bytes of a SQLite database\n", count: 40)
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            loadError { try open(path) },
            "backend \"sqlite\" (\(library)): init failed with WARDEN_E_IO: sqlite: cannot use '\(path)': SQLite error 26 "
                + "(file is not a database): file is not a database - while executing `PRAGMA journal_mode = WAL`; check "
                + "that db_path names a SQLite database (or a new file in a writable folder)")
    }

    func testNewerSchemaIsRefused() throws {
        let path = folder + "/future.db"
        try sql(path, "PRAGMA user_version = 99;")
        XCTAssertEqual(
            loadError { try open(path) },
            "backend \"sqlite\" (\(library)): init failed with WARDEN_E_INVALID: sqlite: '\(path)' has schema version 99, "
                + "newer than this backend's 7; upgrade warden, or point db_path at another file")
    }

    func testOlderSchemaIsMigratedAndKeepsItsBans() throws {
        let path = folder + "/v1.db"
        // A file as schema version 1 left it (no events table, no range index), with one live ban.
        try sql(path, Self.version1Schema + Self.banRow(
            id: 1, "192.0.2.1", reason: "old", createdNs: clock.now, untilNs: clock.now + 3_600_000_000_000)
            + "PRAGMA user_version = 1;")
        let backend = try open(path)
        XCTAssertEqual(try backend.read(at: clock.now).map { "\($0.target) \($0.reason) \($0.eventsCount)" }, ["192.0.2.1 old 2"])
        // Version 5 gave the old IP ban its address bytes: warden.history/1 finds it by containment.
        let old = try backend.targetHistory(try .parseIP("192.0.2.1"), sinceNs: nil, now: clock.now)
        XCTAssertEqual(old, TargetHistory(banCount: 1, activeCount: 1, activeUntilNs: clock.now + 3_600_000_000_000))
        XCTAssertEqual(try backend.readSignals(SignalQuery(containing: try .parseIP("192.0.2.1")), now: clock.now).map(\.id), [1])
        try backend.insert(try signal("192.0.2.2"))
        // Version 7 added the documents of warden.documents/1.
        XCTAssertEqual(try backend.writeDocument("bouncers", text: "after migration", replacing: 0), 1)
        try backend.shutdown()
        XCTAssertEqual(try rows(path, "SELECT user_version FROM pragma_user_version"), ["7"], "user_version after migration")
        XCTAssertEqual(try rows(path, "SELECT name FROM sqlite_master WHERE name IN ('events', 'bans_range') ORDER BY name"),
                       ["bans_range", "events"], "the events table and the range index must exist")
    }

    func testVersion2FileKeepsItsBansAndAnswersPastReads() throws {
        let path = folder + "/v2.db"
        let t0 = clock.now, s: Int64 = 1_000_000_000, later = t0 + 36_000 * s
        // Version 2 kept one delete_all watermark without a time: bans 1 and 2 were ended by
        // a delete_all at some time after 60 s; ban 3 came after it and was deleted at 180 s.
        try sql(path, Self.version1Schema + Self.version2Additions
            + Self.banRow(id: 1, "192.0.2.1", reason: "one", createdNs: t0, untilNs: later)
            + Self.banRow(id: 2, "192.0.2.2", reason: "two", createdNs: t0 + 60 * s, untilNs: later)
            + Self.banRow(id: 3, "192.0.2.3", reason: "three", createdNs: t0 + 120 * s, untilNs: later, endedNs: t0 + 180 * s)
            + Self.banRow(id: 4, "192.0.2.4", reason: "four", createdNs: t0 + 240 * s, untilNs: later)
            // Before ABI 1.2, ban 5 replaced ban 4 with nothing written: version 6 writes that end.
            + Self.banRow(id: 5, "192.0.2.4", reason: "five", createdNs: t0 + 270 * s, untilNs: later)
            + "UPDATE state SET value = 2 WHERE key = 'ended_through'; PRAGMA user_version = 2;")
        clock.advance(seconds: 300)
        let backend = try open(path)
        func targets(at t: Int64) throws -> [String] { try backend.read(at: t).map(\.target) }
        XCTAssertEqual(try targets(at: t0 + 30 * s), ["192.0.2.1"], "before delete_all, as created")
        XCTAssertEqual(try targets(at: t0 + 90 * s), [],
                       "the old watermark ended its bans when the last of them was created (60 s)")
        XCTAssertEqual(try targets(at: t0 + 150 * s), ["192.0.2.3"], "a ban deleted later was live then")
        XCTAssertEqual(try backend.read(at: clock.now).map(\.reason), ["five"], "a replaced ban stays ended after version 6")
        XCTAssertEqual(try backend.read(at: t0 + 250 * s).map(\.reason), ["four"], "and was live before its replacement")
        XCTAssertEqual(try backend.read(at: clock.now).map(\.banCount), [2], "history counts are kept")
        XCTAssertEqual(try backend.deleteAll(), 1, "only the live ban is counted")
        XCTAssertEqual(try targets(at: clock.now), [])
        XCTAssertEqual(try targets(at: t0 + 250 * s), ["192.0.2.4"], "a new delete_all keeps the past readable")
        try backend.shutdown()
        XCTAssertEqual(try rows(path, "SELECT ended_ns FROM bans WHERE id = 4"), ["\(t0 + 270 * s)"])
        XCTAssertEqual(try rows(path, "SELECT user_version FROM pragma_user_version"), ["7"])
        XCTAssertEqual(try rows(path, "SELECT through_id, at_ns FROM ended_through ORDER BY through_id"),
                       ["2|\(t0 + 60 * s)", "5|\(clock.now)"], "one timed watermark per delete_all")
        XCTAssertEqual(try rows(path, "SELECT name FROM sqlite_master WHERE name = 'state'"), [], "the untimed watermark is gone")
    }

    func testPastReadsAfterDeleteAll() throws {
        let backend = try open(folder + "/marks.db")
        let t0 = clock.now, s: Int64 = 1_000_000_000
        try backend.insert(try signal("192.0.2.1"))
        try backend.insert(try signal("192.0.2.2"))
        clock.advance(seconds: 60)
        XCTAssertEqual(try backend.deleteAll(), 2)
        clock.advance(seconds: 60)
        try backend.insert(try signal("192.0.2.3"))
        clock.advance(seconds: 60)
        XCTAssertEqual(try backend.deleteAll(), 1)
        clock.advance(seconds: 60)
        XCTAssertEqual(try backend.deleteAll(), 0, "nothing live is left")
        try backend.flush()
        func targets(at t: Int64) throws -> [String] { try backend.read(at: t).map(\.target) }
        XCTAssertEqual(try targets(at: t0 + 30 * s), ["192.0.2.2", "192.0.2.1"], "both, newest first, before the first delete_all")
        XCTAssertEqual(try targets(at: t0 + 60 * s), [], "a delete_all ends its bans at its own time")
        XCTAssertEqual(try targets(at: t0 + 150 * s), ["192.0.2.3"], "the ban inserted between the two delete_all calls")
        XCTAssertEqual(try targets(at: clock.now), [])
        XCTAssertEqual(try rows(folder + "/marks.db", "SELECT through_id, at_ns FROM ended_through ORDER BY through_id"),
                       ["2|\(t0 + 60 * s)", "3|\(t0 + 180 * s)"], "a delete_all with no new ban adds no watermark")
    }

    func testAPastReadPlacesEachBanByItsOwnID() throws {
        let backend = try open(folder + "/order.db")
        let t0 = clock.now
        for target in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
            try backend.insert(try signal(target, reason: "first"))
            clock.advance(seconds: 10)
        }
        clock.advance(seconds: 300)
        try backend.insert(try signal("192.0.2.1", reason: "second"))  // the newest id now
        let then = try backend.read(at: t0 + 100_000_000_000)
        XCTAssertEqual(then.map { "\($0.target) \($0.reason)" }, ["192.0.2.3 first", "192.0.2.2 first", "192.0.2.1 first"],
                       "at 100 s, 192.0.2.1's ban is its first one, the oldest id, so it comes last")
        XCTAssertEqual(try backend.read(at: clock.now).map { "\($0.target) \($0.reason)" },
                       ["192.0.2.1 second", "192.0.2.3 first", "192.0.2.2 first", "192.0.2.1 first"],
                       "now both bans of 192.0.2.1 are live (STACKED BANS), each in its own id's place")
    }

    func testRetentionNeverFreesAnIDAWatermarkCovers() throws {
        let path = folder + "/reuse.db"
        let backend = try open(path, ["max_records_age": "1h"])
        try backend.insert(try signal("192.0.2.1"))
        try backend.insert(try signal("192.0.2.2"))
        XCTAssertEqual(try backend.deleteAll(), 2)
        clock.advance(seconds: 2 * 3600)
        let report = try XCTUnwrap(try backend.runMaintenance(now: clock.now))
        XCTAssertEqual(report.purged, 1, "the newest row stays, so SQLite never hands its id out again")
        try backend.insert(try signal("192.0.2.3"))
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.3"],
                       "a new ban must not get an id the delete_all watermark covers")
        try backend.shutdown()
        XCTAssertEqual(try rows(path, "SELECT id, target FROM bans ORDER BY id"), ["2|192.0.2.2", "3|192.0.2.3"])
    }

    /// A signal created now with one ban per target.
    private func signal(bans targets: [String], events: Int = 0) throws -> SignalOrder {
        let now = clock.now
        return SignalOrder(
            scenario: "test", message: "", source: targets[0], eventsCount: Int64(events), startNs: now, stopNs: now,
            createdNs: now,
            bans: try targets.map {
                BanOrder(target: try BanTarget.parseIP($0), untilNs: now + 3_600_000_000_000, reason: "test",
                         scenario: "test", action: "ban", origin: "cli")
            },
            events: (0..<events).map { _ in .init(timeNs: now, source: targets[0], serialized: "{}") })
    }

    /// A file whose `bans` refuses rows for 192.0.2.99 with `RAISE(<action>, 'refused by the test')`.
    private func fileRefusing(_ action: String) throws -> String {
        let path = folder + "/refusing-\(action).db"
        try open(path).shutdown()
        try sql(path, """
            CREATE TRIGGER refuse BEFORE INSERT ON bans WHEN NEW.target = '192.0.2.99'
            BEGIN SELECT RAISE(\(action), 'refused by the test'); END;
            """)
        return path
    }

    func testAFailingBanMidSignalLeavesNoneOfItsBansAndKeepsEarlierSignals() throws {
        let backend = try open(try fileRefusing("ABORT"))
        try backend.insert(try signal("192.0.2.1"))
        for (bans, events) in [(["192.0.2.2", "192.0.2.99"], 0), (["192.0.2.99"], 2)] {
            XCTAssertThrowsError(try backend.insert(try signal(bans: bans, events: events))) { error in
                XCTAssertTrue("\(error)".hasPrefix("backend \"sqlite\": insert failed (WARDEN_E_IO): sqlite: insert failed: "
                    + "SQLite error 1811 (constraint failed): refused by the test - while executing `INSERT INTO bans("),
                    "\(error)")
            }
        }
        try backend.insert(try signal(bans: ["192.0.2.3", "192.0.2.4"], events: 1))
        try backend.flush()
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.4", "192.0.2.3", "192.0.2.1"],
                       "the refused signals left nothing; the signals around them are whole")
    }

    func testAnInsertThatRollsTheTransactionBackSaysWhatWentWithIt() throws {
        let path = try fileRefusing("ROLLBACK")
        let backend = try open(path)
        try backend.insert(try signal("192.0.2.1"))
        try backend.insert(try signal("192.0.2.2"))
        XCTAssertThrowsError(try backend.insert(try signal("192.0.2.99"))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("backend \"sqlite\": insert failed (WARDEN_E_IO): sqlite: insert failed: SQLite "
                + "error 1811 (constraint failed): refused by the test - while executing `INSERT INTO bans("), message)
            XCTAssertTrue(message.hasSuffix("`; SQLite rolled back the open transaction, and the 2 signal(s) buffered "
                + "before this one with it; check the disk and the file '\(path)', then send them again"), message)
        }
        try backend.insert(try signal("192.0.2.3"))
        XCTAssertThrowsError(try backend.flush(), "the two signals' callers wait on this flush: it reports their loss") { error in
            XCTAssertTrue("\(error)".contains("and the 2 signal(s) buffered before this one with it"), "\(error)")
        }
        try backend.flush()  // reported once
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.3"], "the backend goes on after the loss")
    }

    /// Signals rolled back by a commit that `flush` did not make (here the change feed's,
    /// refused by a trigger) make the next flush fail: whoever inserted them is waiting on
    /// that flush to learn whether they are stored, and must not hear yes.
    func testAFlushReportsSignalsAnotherCommitRolledBack() throws {
        let path = folder + "/feed-refused.db"
        try open(path).shutdown()
        try sql(path, """
            CREATE TRIGGER refuse BEFORE INSERT ON changes WHEN NEW.kind = 1 AND NEW.ban_id = 1
            BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
            """)
        let backend = try open(path)
        try backend.insert(try signal("192.0.2.1"))
        XCTAssertThrowsError(try backend.changes(since: 0), "the feed's read commits first, and that commit fails")
        XCTAssertThrowsError(try backend.flush()) { error in
            XCTAssertTrue("\(error)".hasPrefix("backend \"sqlite\": flush failed (WARDEN_E_IO): sqlite: commit failed, 1 "
                + "buffered signal(s) rolled back: "), "\(error)")
        }
        try backend.flush()  // reported once
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), [], "the signal is gone, and the flush said so")
    }

    func testRetentionByAgeWithAControlledClock() throws {
        let backend = try open(folder + "/age.db", ["max_records_age": "1h"], flush: true)
        try backend.insert(try signal("192.0.2.1", seconds: 60))  // expires, then ages out
        try backend.insert(try signal("192.0.2.2", seconds: 60))
        _ = try backend.delete(target: "192.0.2.2")               // deleted, then ages out
        try backend.insert(try signal("192.0.2.3", seconds: 86_400))  // stays live a day
        clock.advance(seconds: 30 * 60)
        var report = try XCTUnwrap(try backend.runMaintenance(now: clock.now))
        XCTAssertEqual(report.expired, 1, "one ban ended at +60s")
        XCTAssertEqual(report.purged, 0, "nothing is older than an hour yet")
        clock.advance(seconds: 31 * 60)
        report = try XCTUnwrap(try backend.runMaintenance(now: clock.now))
        XCTAssertEqual(report.purged, 2, "both ended records are older than an hour now")
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.3"], "a live ban is never purged")
    }

    func testRetentionByCountKeepsLiveBansAndRecountsHistory() throws {
        let backend = try open(folder + "/count.db", ["max_records": "2"])
        for reason in ["a", "b", "c"] {
            if reason != "a" { _ = try backend.delete(target: "192.0.2.9") }
            try backend.insert(try signal("192.0.2.9", reason: reason))
            clock.advance(seconds: 1)
        }
        try backend.insert(try signal("192.0.2.10"))
        XCTAssertEqual(try backend.read(at: clock.now).first { $0.target == "192.0.2.9" }?.banCount, 3)
        let report = try XCTUnwrap(try backend.runMaintenance(now: clock.now))
        XCTAssertEqual(report.purged, 2, "four records, limit two: the two deleted ones go")
        let rows = try backend.read(at: clock.now).sorted { $0.target < $1.target }
        XCTAssertEqual(rows.map { "\($0.target) \($0.reason) \($0.banCount)" }, ["192.0.2.10 test 1", "192.0.2.9 c 1"])
    }

    func testTwoWritersAtOnceNeverSeeALock() throws {
        let path = folder + "/two.db"
        let writers = try (0..<2).map { _ in try open(path, ["busy_timeout": "10000"]) }
        let failures = LockedList()
        let now = clock.now
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            for i in 0..<300 {
                do {
                    try writers[w].insert(try Self.signal("10.\(w).\(i / 256).\(i % 256)", now: now))
                    try writers[w].flush()
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        XCTAssertEqual(failures.items, [])
        XCTAssertEqual(try writers[0].read(at: clock.now).count, 600)
    }

    func testTheCLIWritesWhileADaemonHoldsTheFile() throws {
        let path = folder + "/shared.db"
        let daemon = try open(path, flush: true)
        try daemon.startAutoCommit()
        try FileManager.default.createDirectory(atPath: folder + "/backends", withIntermediateDirectories: true)
        try "plugin:\n  backend: ./backends\n".write(toFile: folder + "/config.yaml", atomically: true, encoding: .utf8)
        try "name: sqlite\npath: \(library)\nconfig:\n  db_path: \(path)\n"
            .write(toFile: folder + "/backends/sqlite.yaml", atomically: true, encoding: .utf8)
        let stop = LockedList()
        let now = clock.now
        let feeder = Thread {
            var i = 0
            while stop.items.isEmpty {
                try? daemon.insert(try! Self.signal("10.9.\(i / 256 % 256).\(i % 256)", now: now))
                i += 1
            }
        }
        feeder.start()
        for i in 0..<10 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BuildProducts.warden)
            process.arguments = ["-c", folder + "/config.yaml", "ban", "add", "ip", "192.0.2.\(i)", "1h", "cli"]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(process.terminationStatus, 0, text)
            XCTAssertFalse(text.contains("locked"), text)
        }
        stop.append("stop")
        while feeder.isExecuting { usleep(1000) }
        try daemon.shutdown()
        // The CLI's bans are created at the real clock, which is past the test's manual one.
        let rows = try open(path).read(at: Timestamp.now()).map(\.target)
        XCTAssertEqual(rows.filter { $0.hasPrefix("192.0.2.") }.count, 10)
    }
}

/// A list appended to from several threads.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var items: [String] { lock.withLock { storage } }
    func append(_ item: String) { lock.withLock { storage.append(item) } }
}
