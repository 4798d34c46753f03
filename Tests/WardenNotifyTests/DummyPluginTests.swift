import XCTest

@testable import WardenNotify

/// Debian's `dummy` plugin stalls for good once 64 KiB of text have gone to a stdout pipe
/// its go-plugin 1.0.1 never reads: the deadline must catch it, and a restart revive it.
final class DummyPluginTests: XCTestCase {
    func testTheStallPast64KiBIsCaughtAndThePluginRestarted() async throws {
        try requirePlugin("dummy")
        let capture = LogCapture()
        let text = String(repeating: "x", count: 8000)
        let config = try notification("type: dummy\nname: dummy_test\nformat: \(text)\ntimeout: 2s\nmax_retry: 2\n")
        let hub = try NotificationHub(
            configs: [config], pluginDirectory: debianPluginFolder, identity: nil, settings: quickSettings(),
            logger: capture.logger())
        await hub.start()
        // One alert a batch, twelve batches of 8000 bytes: 96,000 bytes, past the 64 KiB a pipe holds.
        for id in 1...12 {
            hub.enqueue(alert(Int64(id)), to: ["dummy_test"])
            await eventually("alert \(id) is handled") { hub.status()[0].counts.sent + hub.status()[0].counts.failed == id }
        }
        let status = hub.status()[0]
        XCTAssertEqual(status.counts, NotificationCounts(sent: 12), "\(capture.all)")
        XCTAssertGreaterThanOrEqual(status.restarts, 1)
        XCTAssertTrue(capture.contains("plugin failed a call (deadlineExceeded: "), "\(capture.all)")
        await hub.shutdown(within: .seconds(10))
    }
}
