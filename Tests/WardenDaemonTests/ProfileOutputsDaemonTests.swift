import Foundation
import WardenTesting
import XCTest

/// A profile's legacy `outputs` checked when the daemon starts: a name no backend file
/// has, or a profile that leaves out the backend bouncers are served from, stops it.
final class ProfileOutputsDaemonTests: XCTestCase {
    private func startError(outputs: String) throws -> String {
        let daemon = try DaemonHarness()
        try """
            name: default_ip_remediation
            filters:
             - Alert.Remediation == true && Alert.GetScope() == "Ip"
            decisions:
             - type: ban
               duration: 4h
            outputs:
            \(outputs)
            on_success: break
            """.write(toFile: daemon.folder + "/profiles.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try daemon.start())
        return daemon.daemonLog.replacingOccurrences(of: daemon.folder, with: "FOLDER")
    }

    func testAnUnknownBackendStopsTheStart() throws {
        let log = try startError(outputs: " - plugin: postgres")
        XCTAssertTrue(
            log.contains(
                "error: FOLDER/profiles.yaml:1: profile 'default_ip_remediation': outputs names the backend 'postgres', "
                    + "which is not loaded (loaded: sqlite); name the `name:` of a backend file that loads "
                    + "(see 'warden backends list')\n"),
            log)
    }

    func testLeavingOutTheServedBackendStopsTheStart() throws {
        let log = try startError(outputs: " - plugin: sqlite\n   store: false")
        XCTAssertTrue(
            log.contains(
                "error: FOLDER/profiles.yaml:1: profile 'default_ip_remediation': outputs leaves out 'sqlite', the "
                    + "backend bouncers are served from; its decisions would be stored and never enforced; add "
                    + "'- plugin: sqlite' to its outputs\n"),
            log)
    }
}
