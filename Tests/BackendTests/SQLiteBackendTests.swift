import CSQLite
import Foundation
import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest

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
        .oneBan(try BanTarget.parseIP(target), now: now, seconds: seconds, reason: reason)
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
                + "newer than this backend's 2; upgrade warden, or point db_path at another file")
    }

    func testOlderSchemaIsMigratedAndKeepsItsBans() throws {
        let path = folder + "/v1.db"
        // A file as schema version 1 left it (no events table, no range index), with one live ban.
        try sql(path, """
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
            INSERT INTO bans VALUES (1, NULL, '192.0.2.1', 1, NULL, NULL, 'cli', 'ban', 'old', 'old', '', '', 0,
              \(clock.now + 3_600_000_000_000), \(clock.now), NULL, '', NULL, 2, NULL, NULL, 0, NULL);
            PRAGMA user_version = 1;
            """)
        let backend = try open(path)
        XCTAssertEqual(try backend.read(at: clock.now).map { "\($0.target) \($0.reason) \($0.eventsCount)" }, ["192.0.2.1 old 2"])
        try backend.insert(try signal("192.0.2.2"))
        try backend.shutdown()
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), (SELECT COUNT(*) FROM sqlite_master WHERE name IN ('events', 'bans_range'))", -1, &statement, nil)
        XCTAssertEqual(sqlite3_step(statement), SQLITE_ROW)
        XCTAssertEqual(sqlite3_column_int(statement, 0), 2, "user_version after migration")
        XCTAssertEqual(sqlite3_column_int(statement, 1), 2, "the events table and the range index must exist")
        sqlite3_finalize(statement)
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
            try backend.insert(try signal("192.0.2.9", reason: reason))
            clock.advance(seconds: 1)
        }
        try backend.insert(try signal("192.0.2.10"))
        XCTAssertEqual(try backend.read(at: clock.now).first { $0.target == "192.0.2.9" }?.banCount, 3)
        let report = try XCTUnwrap(try backend.runMaintenance(now: clock.now))
        XCTAssertEqual(report.purged, 2, "four records, limit two: the two replaced ones go")
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
        let rows = try open(path).read(at: clock.now).map(\.target)
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
