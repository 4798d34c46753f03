import Logging
import WardenBackendHost
import WardenModel
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// The checks of `warden.changes/1` can fail: each one, run against the C example with
/// the one fault of `Tests/Fixtures/faulty_feed.c` that breaks its promise, reports it,
/// while the fixture without a fault passes them all. And the host's messages for a
/// feed it cannot read.
final class FeedFaultTests: XCTestCase {
    private static let feedChecks = BackendConformance.Check.allCases.filter { $0.rawValue.hasPrefix("feed") }

    private func suite(_ fault: String?) throws -> BackendConformance {
        BackendConformance(name: "faulty-feed", library: try CCompiler.faultyFeed(fault)) { id in ["store": id] }
    }

    func testTheFixtureWithoutAFaultPassesEveryFeedCheck() throws {
        let suite = try suite(nil)
        XCTAssertEqual(Self.feedChecks.count, 11)
        for check in Self.feedChecks {
            XCTAssertNoThrow(try suite.run(check), "\(check)")
        }
    }

    func testEachFeedCheckFailsOnItsFault() throws {
        let faults: [BackendConformance.Check: String] = [
            .feedSnapshotListsLiveBans: "SNAPSHOT_ALL", .feedReportsAddsAndDeletes: "DROP_ENDS",
            .feedReportsStackedBan: "DROP_READDS", .feedIgnoresExpirySweep: "SWEEP_REPORTED",
            .feedReportsDeleteAll: "DROP_ENDS", .feedReachesSecondInstance: "DROP_ENDS",
            .feedCursorGrows: "CURSOR_STUCK", .feedRefusesStaleCursor: "NEVER_STALE",
            .feedForgetsOldHistory: "NEVER_FORGETS", .feedPurgeAfterCursorIsStaleOrExact: "PURGE_LOSES_ENDS",
            .feedKeepsUpWithConcurrentWriters: "DROP_ENDS",
        ]
        XCTAssertEqual(Set(faults.keys), Set(Self.feedChecks), "every feed check needs a fault that breaks it")
        var suites: [String: BackendConformance] = [:]
        for (check, fault) in faults.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let suite = try suites[fault] ?? self.suite(fault)
            suites[fault] = suite
            XCTAssertThrowsError(try suite.run(check), "\(check) passed with the fault \(fault)") { error in
                XCTAssertTrue(error is ConformanceFailure, "\(check) with \(fault): \(error)")
            }
        }
    }

    // MARK: - What the host refuses to read

    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// An instance of the fixture with `fault` holding one ban, so every read has a change.
    private func instance(_ fault: String) throws -> LoadedBackend {
        let library = try BackendLibrary.open(try CCompiler.faultyFeed(fault), allowUnsafeFiles: false)
        let backend = try LoadedBackend(name: "x", library: library, logger: logger, clock: { 0 })
        try backend.configure(["store": "faults"])
        try backend.insert(ManualBan(target: try BanTarget.parseIP("192.0.2.1"), durationNs: 10_000_000_000, reason: "r").signal(at: 0))
        return backend
    }

    private func assertRefused(_ fault: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertThrowsError(try instance(fault).changes(since: 0), file: file, line: line) { error in
            XCTAssertEqual("\(error)", "backend \"x\": changes_since failed (WARDEN_E_ABI): " + message, file: file, line: line)
        }
    }

    func testChangeSmallerThanVersion1IsAnError() throws {
        try assertRefused(
            "SHORT_CHANGE",
            "it returned a change of 24 bytes; version 1 changes are at least 32 bytes; rebuild it against warden_backend.h 1.x")
    }

    func testAddedChangeWithoutItsRowIsAnError() throws {
        try assertRefused(
            "ROWLESS_ADDED", "it returned an added change (ban 1) without its row; rebuild it against warden_backend.h 1.x")
    }

    func testUnknownChangeKindIsAnError() throws {
        try assertRefused(
            "UNKNOWN_KIND",
            "it returned a change of kind 9; warden.changes/1 knows 1 (added), 2 (ended), 3 (ended through); "
                + "rebuild it against warden_backend.h 1.x")
    }

    func testChangesTableSmallerThanVersion1IsAnError() throws {
        try assertRefused(
            "SHORT_TABLE",
            "its warden.changes/1 table is 8 bytes; version 1 tables are at least 16 bytes; rebuild it against "
                + "warden_backend.h 1.x")
    }

    func testStaleCursorIsReportedAsSuch() throws {
        let backend = try instance("NEVER_FORGETS")  // a fault that leaves the C example's stale cursors alone
        XCTAssertThrowsError(try backend.changes(since: 99)) { error in
            XCTAssertEqual(
                "\(error)",
                "backend \"x\": changes_since failed (WARDEN_E_STALE_CURSOR): c-example: changes_since: cursor 99 is "
                    + "beyond this store's history (next position 2); read everything again from cursor 0")
            XCTAssertTrue((error as? BackendCallError)?.isStaleCursor == true)
        }
    }
}
