import XCTest

@testable import WardenNotify

/// Plugins that fail to start: their notifications wait, and shutdown accounts for them.
final class SupervisionTests: XCTestCase {
    func testAPluginThatCannotStartIsRetriedAndItsAlertsWait() async throws {
        let folder = try temporaryFolder()
        try write("#!/bin/sh\necho garbage\n", to: folder + "/notification-fake", mode: 0o755)
        let capture = LogCapture()
        let config = try notification("type: fake\nname: waits\n")
        let hub = try NotificationHub(
            configs: [config], pluginDirectory: folder, identity: nil, settings: quickSettings(), logger: capture.logger())
        await hub.start()
        XCTAssertEqual(hub.status()[0].state, .notStarted, "the start at boot failed: the first notification tries again")
        hub.enqueue(alert(8), to: ["waits"])
        await eventually("a third start is tried") { capture.all.filter { $0.contains("answered with") }.count >= 3 }
        let refusal = "plugin \(folder)/notification-fake answered with \"garbage\", not a handshake like "
            + "1|1|unix|/tmp/plugin1|grpc|; is it a CrowdSec notification plugin for this system?"
        XCTAssertTrue(capture.contains(refusal + "; trying again when a notification is due"), "\(capture.all)")
        XCTAssertTrue(capture.contains(refusal + "; trying again in 0.1 seconds"), "\(capture.all)")
        XCTAssertEqual(hub.status()[0].counts, NotificationCounts(pending: 1), "the alert waits for the plugin")
        await hub.shutdown(within: .milliseconds(300))
        XCTAssertEqual(hub.status()[0].counts, NotificationCounts(dropped: 1))
        XCTAssertEqual(hub.status()[0].state, .stopped)
        XCTAssertTrue(capture.contains("1 alerts not sent before the shutdown deadline; alert ids: 8"), "\(capture.all)")
    }

    func testAMissingPluginIsRefusedUpFront() throws {
        let folder = try temporaryFolder()
        let config = try notification("type: teams\nname: chat\n")
        XCTAssertThrowsError(
            try NotificationHub(configs: [config], pluginDirectory: folder, identity: nil, logger: LogCapture().logger())
        ) {
            XCTAssertEqual(
                "\($0)",
                "no plugin for notification type 'teams': neither \(folder)/notification-teams nor \(folder)/teams exists; "
                    + "install the plugin or set plugin_dir to the folder that holds it")
        }
    }

    func testAnUnknownNotificationNameIsLogged() async throws {
        let capture = LogCapture()
        let hub = try NotificationHub(configs: [], pluginDirectory: "/nonexistent", identity: nil, logger: capture.logger())
        hub.enqueue(alert(3), to: ["nowhere"])
        XCTAssertEqual(capture.all, ["error alert 3 not queued: no notification is called 'nowhere' "])
        await hub.shutdown(within: .seconds(1))
    }
}
