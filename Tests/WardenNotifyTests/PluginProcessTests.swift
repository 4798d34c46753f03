import Logging
import XCTest

@testable import WardenNotify

final class PluginProcessTests: XCTestCase {
    private let binary = PluginBinary(type: "http", path: "/plugins/http")

    func testTheHandshakeNamesTheSocket() throws {
        XCTAssertEqual(try PluginProcess.parseHandshake("1|1|unix|/tmp/plugin3394782039|grpc|", binary: binary), "/tmp/plugin3394782039")
        XCTAssertEqual(try PluginProcess.parseHandshake("1|1|unix|/tmp/p|grpc|cert|true", binary: binary), "/tmp/p")
    }

    func testAnythingElseIsRefused() {
        for line in ["1|2|unix|/tmp/p|grpc|", "1|1|tcp|127.0.0.1:1234|grpc|", "1|1|unix|/tmp/p|netrpc|", "hello"] {
            XCTAssertThrowsError(try PluginProcess.parseHandshake(line, binary: binary)) {
                XCTAssertEqual(
                    "\($0)",
                    "plugin /plugins/http answered with \"\(line)\", not a handshake like 1|1|unix|/tmp/plugin1|grpc|; "
                        + "is it a CrowdSec notification plugin for this system?")
            }
        }
    }

    func testAProgramThatIsNoPluginIsReported() async throws {
        let capture = LogCapture()
        let shell = PluginBinary(type: "sh", path: "/bin/sh")
        do {
            _ = try await PluginProcess.start(
                binary: shell, socketDirectory: "/tmp", identity: nil, handshakeTimeout: .seconds(30), logger: capture.logger())
            XCTFail("/bin/sh with no input started as a plugin")
        } catch {
            XCTAssertEqual("\(error)", "plugin /bin/sh exited (exit status 0) before its handshake; its log lines above say why", capture.all.joined(separator: " / "))
        }
    }

    func testHCLogLinesKeepLevelMessageAndFields() {
        let capture = LogCapture()
        PluginLogRelay.relay(
            #"{"@level":"warn","@message":"slow \"hook\"","@module":"http-plugin","@timestamp":"t","status":503}"#,
            plugin: "http", logger: capture.logger())
        PluginLogRelay.relay("panic: oh no", plugin: "http", logger: capture.logger())
        XCTAssertEqual(capture.all, [
            #"warning slow "hook" module=http-plugin plugin=http status=503"#,
            "warning panic: oh no plugin=http",
        ])
    }
}
