import Glibc
import XCTest

@testable import WardenNotify

final class PluginBinaryTests: XCTestCase {
    func testCrowdSecsNameWinsOverDebians() throws {
        let folder = try temporaryFolder()
        try write("#!/bin/sh\n", to: folder + "/http", mode: 0o755)
        XCTAssertEqual(try PluginBinary.find(type: "http", in: folder, allowUnsafeFiles: false).path, folder + "/http")
        try write("#!/bin/sh\n", to: folder + "/notification-http", mode: 0o755)
        XCTAssertEqual(
            try PluginBinary.find(type: "http", in: folder, allowUnsafeFiles: false).path, folder + "/notification-http")
    }

    func testMissingAndUnsafeBinariesAreRefused() throws {
        let folder = try temporaryFolder()
        try write("#!/bin/sh\n", to: folder + "/slack", mode: 0o775)
        try write("#!/bin/sh\n", to: folder + "/email", mode: 0o644)
        let cases: [(String, String)] = [
            ("splunk", "no plugin for notification type 'splunk': neither \(folder)/notification-splunk nor \(folder)/splunk "
                + "exists; install the plugin or set plugin_dir to the folder that holds it"),
            ("slack", "plugin \(folder)/slack is writable by group or others (mode 775); run 'chmod go-w' on it, "
                + "or set WARDEN_ALLOW_UNSAFE_PLUGINS=1 for development"),
            ("email", "plugin \(folder)/email is not executable; run 'chmod 755' on it"),
        ]
        for (type, expected) in cases {
            XCTAssertThrowsError(try PluginBinary.find(type: type, in: folder, allowUnsafeFiles: false)) {
                XCTAssertEqual("\($0)", expected)
            }
        }
        XCTAssertNoThrow(try PluginBinary.find(type: "slack", in: folder, allowUnsafeFiles: true))
    }
}
