import Foundation
import WardenConfig
import XCTest

/// The `prometheus` section of the main config: CrowdSec's keys and defaults, and each error.
final class PrometheusConfigTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "warden-prometheus-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func load(_ text: String) throws -> PrometheusConfig? {
        let path = folder + "/config.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try MainConfig.load(path: path).prometheus
    }

    private func error(_ text: String) -> String? {
        do { _ = try load(text); return nil } catch { return "\(error)".replacingOccurrences(of: folder + "/", with: "") }
    }

    func testOffWithoutTheSectionOrWhenDisabled() throws {
        XCTAssertNil(try load("plugin:\n  backend: ./b\n"))
        XCTAssertNil(try load("prometheus:\n  enabled: false\n  listen_port: 7070\n"))
    }

    func testCrowdSecDefaultsAndKeys() throws {
        XCTAssertEqual(try load("prometheus:\n  level: full\n"), PrometheusConfig(host: "127.0.0.1", port: 6060))
        XCTAssertEqual(try load("prometheus:\n  enabled: true\n  listen_addr: ::1\n  listen_port: 7070\n"),
                       PrometheusConfig(host: "::1", port: 7070))
    }

    func testTheLocalURLReachesAWildcardAddressOnLoopback() {
        XCTAssertEqual(PrometheusConfig().localURL, "http://127.0.0.1:6060/metrics")
        XCTAssertEqual(PrometheusConfig(host: "0.0.0.0", port: 7070).localURL, "http://127.0.0.1:7070/metrics")
        XCTAssertEqual(PrometheusConfig(host: "::", port: 7070).localURL, "http://[::1]:7070/metrics")
        XCTAssertEqual(PrometheusConfig(host: "fd00::5", port: 7070).localURL, "http://[fd00::5]:7070/metrics")
    }

    func testEachMistakeNamesTheKeyAndLine() {
        XCTAssertEqual(error("prometheus: on\n"), "config.yaml:1: 'prometheus' must be a mapping, found a scalar")
        XCTAssertEqual(error("prometheus:\n  enabled: yes\n"), "config.yaml:2: 'prometheus.enabled' must be true or false")
        XCTAssertEqual(error("prometheus:\n  listen_addr: '[::1]'\n"),
                       "config.yaml:2: 'prometheus.listen_addr' must be an address without a port, such as 127.0.0.1 or ::1")
        XCTAssertEqual(error("prometheus:\n  listen_port: 70000\n"),
                       "config.yaml:2: 'prometheus.listen_port' must be a port number, 1 to 65535")
    }
}
