import Foundation
import WardenTesting
import XCTest

/// A running daemon follows the allowlist file that `warden allowlist` edits.
final class AllowlistReloadTests: XCTestCase {
    func testAnEditReachesTheDaemonWithoutARestart() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        XCTAssertTrue(daemon.daemonLog.contains("1 bouncer(s), 0 machine(s) registered; 2 allowlist entries"), daemon.daemonLog)
        let added = try daemon.cli("allowlist", "add", "192.0.2.0/24", "office")
        XCTAssertEqual(added.status, 0, added.err)
        let line = "allowlist reloaded from \(daemon.folder)/allowlist: 3 entries; added: 192.0.2.0/24 (office); removed: none"
        XCTAssertTrue(daemon.eventually(within: 10) { daemon.daemonLog.contains(line) }, daemon.daemonLog)
        XCTAssertEqual(daemon.stop(), 0)
    }
}
