import WardenTesting
import XCTest

/// One healthy backend beside one whose every call fails: each command says exactly
/// where its work landed, goes on with the healthy one, and exits 1.
final class PartialFailureTests: XCTestCase {
    private static let failure = #"backend "broken": %@ failed (WARDEN_E_IO): storage unreachable: the test fixture fails every call; nothing to do"#

    private func harness() throws -> CLIHarness {
        let failing = try XCTUnwrap(try? CExample.failing.get())
        return try CLIHarness(backends: [
            ("good", BuildProducts.library("warden-backend-dummy"), ["store": "partial-\(UUID().uuidString)"]),
            ("broken", failing, [:]),
        ])
    }

    private func error(_ operation: String) -> String {
        "error: " + Self.failure.replacingOccurrences(of: "%@", with: operation) + "\n"
    }

    func testAddSaysWhereTheBanIsStored() throws {
        let cli = try harness()
        let result = cli.run("ban", "add", "ip", "192.0.2.7", "4h", "ssh")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.out, "ban 192.0.2.7 for 4h (ssh) until 2026-11-23T16:00:00Z: stored in good\n")
        XCTAssertEqual(result.err, error("insert") + """
            error: the ban on 192.0.2.7 was stored in good only, not in broken (see above); run the command again once broken is fixed

            """)
    }

    func testListComesFromTheHealthyBackendWithAWarning() throws {
        let cli = try harness()
        _ = cli.run("ban", "add", "ip", "192.0.2.7", "4h", "ssh")
        let result = cli.run("ban", "list", "-o", "raw")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cli,192.0.2.7,ssh,1,ban,,,1,4h0m0s

            """)
        XCTAssertEqual(result.err, "warning: " + Self.failure.replacingOccurrences(of: "%@", with: "read_at")
            + "; its bans are missing from this list\nerror: could not read broken (see above)\n")
    }

    func testDeleteAndFlushReportTheFailedBackend() throws {
        let cli = try harness()
        _ = cli.run("ban", "add", "ip", "192.0.2.7", "4h", "ssh")
        let delete = cli.run("ban", "del", "ip", "192.0.2.7")
        XCTAssertEqual(delete.status, 1)
        XCTAssertEqual(delete.out, "Deleted 1 ban for 192.0.2.7\n")
        XCTAssertEqual(delete.err, error("delete_target") + """
            error: the ban on 192.0.2.7 was deleted in good only, not in broken (see above); run the command again once broken is fixed

            """)
        let flush = cli.run("ban", "flush")
        XCTAssertEqual(flush.status, 1)
        XCTAssertEqual(flush.out, "Ban DB flushed: 0 bans deleted\n")
        XCTAssertEqual(flush.err, error("delete_all") + """
            error: the bans were deleted in good only, not in broken (see above); run the command again once broken is fixed

            """)
    }

    func testNothingStoredWhenEveryBackendFails() throws {
        let cli = try CLIHarness(backends: [("broken", try XCTUnwrap(try? CExample.failing.get()), [:])])
        let result = cli.run("ban", "add", "ip", "192.0.2.7", "4h", "ssh")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.out, "")
        XCTAssertEqual(result.err, error("insert") + "error: the ban on 192.0.2.7 was stored in no backend (broken failed, see above)\n")
    }
}
