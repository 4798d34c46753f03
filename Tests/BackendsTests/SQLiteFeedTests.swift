import CSQLite
import Logging
import WardenBackendHost
import WardenConfig
import WardenModel
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// How the SQLite backend keeps its `warden.changes/1` feed (schema 4): what one flush
/// and one delete cost in the `changes` table, what retention forgets, and a file from
/// before the feed.
final class SQLiteFeedTests: XCTestCase {
    private var folder = ""
    private let clock = ManualClock()
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    override func setUpWithError() throws {
        folder = try CCompiler.temporaryFolder("sqlite-feed")
    }

    private func open(_ path: String, _ extra: [String: String] = [:]) throws -> LoadedBackend {
        let file = BackendConfigFile(
            name: "sqlite", libraryPath: BuildProducts.library("warden-backend-sqlite"),
            config: ["db_path": path].merging(extra) { _, new in new }, file: "t")
        return try BanStore.load(file, injected: ["flush": "false"], logger: logger, clock: clock.closure, allowUnsafeFiles: false)
    }

    private func signal(_ target: String, reason: String = "test") throws -> SignalOrder {
        ManualBan(target: try BanTarget.parseIP(target), durationNs: 3_600_000_000_000, reason: reason).signal(at: clock.now)
    }

    /// `kind ban_id ended_ns` of each row of `changes`, in position order.
    private func log(_ path: String) throws -> [String] {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw XCTSkip("cannot open \(path)") }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT kind, ban_id, IFNULL(ended_ns, '-') FROM changes ORDER BY position", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        var rows: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<3).map { String(cString: sqlite3_column_text(statement, $0)) }.joined(separator: " "))
        }
        return rows
    }

    func testForgettingKeepsTheNewestRowSoPositionsNeverComeBack() throws {
        let path = folder + "/forget.db"
        let backend = try open(path, ["max_records_age": "1h"])
        let start = try XCTUnwrap(try backend.changes(since: 0)).cursor
        try backend.insert(try signal("192.0.2.1"))
        try backend.flush()
        _ = try backend.delete(target: "192.0.2.1")
        try backend.flush()
        clock.advance(seconds: 2 * 3600)
        _ = try backend.runMaintenance(now: clock.now)
        XCTAssertEqual(try log(path).count, 1, "the newest change stays, forgotten or not")
        XCTAssertThrowsError(try backend.changes(since: start)) { error in
            XCTAssertTrue((error as? BackendCallError)?.isStaleCursor == true, "\(error)")
        }
        let after = try XCTUnwrap(try backend.changes(since: 0)).cursor
        XCTAssertEqual(after, start + 2, "the next position after the two changes made")
        try backend.insert(try signal("192.0.2.2"))
        let delta = try XCTUnwrap(try backend.changes(since: after))
        XCTAssertEqual(delta.changes.count, 1)
        XCTAssertEqual(delta.cursor, after + 1, "a new change takes a position never given before")
    }

    func testOneFlushIsOneAddedRowAndADeleteOneEndedRow() throws {
        let path = folder + "/feed.db"
        let backend = try open(path)
        try backend.insert(try signal("192.0.2.1"))
        try backend.insert(try signal("192.0.2.2"))
        try backend.flush()
        XCTAssertEqual(try log(path), ["1 1 -"], "two bans in one flush: one added row from id 1")
        clock.advance(seconds: 1)
        for i in 3...5 { try backend.insert(try signal("192.0.2.\(i)")) }
        try backend.insert(try signal("192.0.2.1", reason: "again"))
        _ = try backend.delete(target: "192.0.2.2")
        try backend.flush()
        XCTAssertEqual(try log(path), ["1 1 -", "1 3 -", "2 2 \(clock.now)"],
                       "the inserts before a delete are logged first; the ban 6 replaced (1) is left to readers")
    }

    func testAFileFromBeforeTheFeedStartsWithASnapshot() throws {
        let path = folder + "/old.db"
        let backend = try open(path)
        try backend.insert(try signal("192.0.2.1"))
        try backend.shutdown()
        // What schema 3 was: no changes table.
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        sqlite3_exec(
            db, "DROP TABLE changes; DROP TABLE changes_horizon; DROP TABLE labels; DROP TABLE deleted_signals; "
                + "DROP INDEX bans_signal; DROP INDEX bans_address; DROP INDEX bans_unended; PRAGMA user_version = 3;", nil, nil, nil)
        sqlite3_close(db)
        let reopened = try open(path)
        let snapshot = try XCTUnwrap(try reopened.changes(since: 0))
        XCTAssertEqual(snapshot.changes.count, 1, "\(snapshot.changes)")
        XCTAssertEqual(snapshot.cursor, 1, "the feed starts at position 1")
        try reopened.insert(try signal("192.0.2.2"))
        let delta = try XCTUnwrap(try reopened.changes(since: snapshot.cursor))
        XCTAssertEqual(delta.changes.map { if case .added(let ban) = $0 { ban.target } else { "?" } }, ["192.0.2.2"])
        XCTAssertEqual(delta.cursor, 2)
    }
}
