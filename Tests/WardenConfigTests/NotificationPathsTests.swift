import Foundation
import WardenConfig
import XCTest

/// `config_paths.notification_dir`/`plugin_dir` and `plugin_config.user`/`group`: CrowdSec's
/// keys, Warden's defaults, and each mistake.
final class NotificationPathsTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "warden-notification-paths-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func load(_ text: String) throws -> NotificationPaths {
        let path = folder + "/config.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try MainConfig.load(path: path).notifications
    }

    private func error(_ text: String) -> String? {
        do { _ = try load(text); return nil } catch { return "\(error)".replacingOccurrences(of: folder + "/", with: "") }
    }

    func testDefaultsAreNotificationsBesideTheConfigAndDebiansPluginFolder() throws {
        XCTAssertEqual(
            try load("plugin:\n  backend: ./b\n"),
            NotificationPaths(notificationFolder: folder + "/notifications", pluginFolder: "/usr/lib/crowdsec/plugins"))
    }

    func testCrowdSecKeysRelativeToTheConfig() throws {
        let text = """
            config_paths:
              notification_dir: ./notify
              plugin_dir: /opt/plugins
            plugin_config:
              user: nobody
              group: nogroup
            """
        XCTAssertEqual(
            try load(text),
            NotificationPaths(
                notificationFolder: folder + "/notify", pluginFolder: "/opt/plugins", pluginUser: "nobody",
                pluginGroup: "nogroup"))
    }

    func testEachMistakeNamesTheKeyAndLine() {
        XCTAssertEqual(error("config_paths: /etc\n"), "config.yaml:1: 'config_paths' must be a mapping, found a scalar")
        XCTAssertEqual(error("config_paths:\n  plugin_dir: ''\n"), "config.yaml:2: 'config_paths.plugin_dir' must name a folder")
        XCTAssertEqual(
            error("config_paths:\n  notification_dir: [a]\n"),
            "config.yaml:2: 'config_paths.notification_dir' must name a folder")
        XCTAssertEqual(error("plugin_config:\n  user: ''\n  group: g\n"), "config.yaml:2: 'plugin_config.user' must name a user")
        XCTAssertEqual(
            error("plugin_config:\n  user: nobody\n"),
            "config.yaml:2: 'plugin_config' needs both 'user' and 'group' (plugins run as that user and group), or neither")
    }
}
