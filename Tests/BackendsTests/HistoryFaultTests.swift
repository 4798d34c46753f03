import Logging
import WardenBackendHost
import WardenModel
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// The checks of `warden.history/1` can fail: each one, run against the C example with
/// the one fault of `Tests/Fixtures/faulty_history.c` that breaks its promise, reports
/// it, while the fixture without a fault passes them all. And the host's messages for
/// records it cannot read.
final class HistoryFaultTests: XCTestCase {
    private static let historyChecks = BackendConformance.Check.allCases.filter { $0.rawValue.hasPrefix("history") }

    private func suite(_ fault: String?) throws -> BackendConformance {
        BackendConformance(name: "faulty-history", library: try CCompiler.faultyHistory(fault)) { id in ["store": id] }
    }

    func testTheFixtureWithoutAFaultPassesEveryHistoryCheck() throws {
        let suite = try suite(nil)
        XCTAssertEqual(Self.historyChecks.count, 7)
        for check in Self.historyChecks {
            XCTAssertNoThrow(try suite.run(check), "\(check)")
        }
    }

    func testEachHistoryCheckFailsOnItsFault() throws {
        let faults: [BackendConformance.Check: String] = [
            .historyCountsContainingBans: "EXACT_COUNTS", .historyReadsSignalsBack: "NO_EVENTS",
            .historyFiltersSignals: "NO_RANGE_FILTER", .historyDeleteSignalEndsItsBans: "SILENT_DELETES",
            .historyDeleteBanEndsOneBan: "SILENT_DELETES", .historyShowsHowBansEnded: "NO_ENDS",
            .historyInsertSignalGivesTheListedID: "NEXT_IDS",
        ]
        XCTAssertEqual(Set(faults.keys), Set(Self.historyChecks), "every history check needs a fault that breaks it")
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

    /// An instance of the fixture with `fault` holding one signal.
    private func instance(_ fault: String) throws -> LoadedBackend {
        let library = try BackendLibrary.open(try CCompiler.faultyHistory(fault), allowUnsafeFiles: false)
        let backend = try LoadedBackend(name: "x", library: library, logger: logger, clock: { 0 })
        try backend.configure(["store": "history-faults-\(fault)"])
        try backend.insert(ManualBan(target: try BanTarget.parseIP("192.0.2.1"), durationNs: 10_000_000_000, reason: "r").signal(at: 0))
        return backend
    }

    private func assertRefused(_ fault: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let backend = try instance(fault)
        XCTAssertThrowsError(try backend.readSignals(SignalQuery(), now: 0), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testAShortRecordIsRefused() throws {
        try assertRefused("SHORT_RECORD", "backend \"x\": read_signals failed (WARDEN_E_ABI): it returned a signal record "
            + "of 16 bytes; version 1 records are at least 40 bytes; rebuild it against warden_backend.h 1.x")
    }

    func testBansCloserThanABanAreRefused() throws {
        try assertRefused("SHORT_BANS", "backend \"x\": read_signals failed (WARDEN_E_ABI): it returned signal 1 with "
            + "bans 8 bytes apart or without their ids and ends; ABI 1.0 bans are at least 168 bytes; rebuild it "
            + "against warden_backend.h 1.x")
    }

    func testAShortTableIsRefused() throws {
        let backend = try instance("SHORT_TABLE")
        XCTAssertThrowsError(try backend.deleteBan(id: 1)) { error in
            XCTAssertEqual("\(error)", "backend \"x\": delete_ban failed (WARDEN_E_ABI): its warden.history/1 table is "
                + "8 bytes; version 1 tables are at least 40 bytes; rebuild it against warden_backend.h 1.x")
        }
    }
}
