import Foundation
import WardenTesting
import XCTest

/// What CrowdSec 1.6 and 1.7 clients send that 1.4.6 never did: gzip bodies, an agent
/// unregistering itself, bouncers' usage metrics.
final class ModernWireTests: XCTestCase {
    private var daemon: DaemonHarness!
    private var bearer: [String: String] = [:]

    override func setUpWithError() throws {
        daemon = try DaemonHarness()
        try daemon.cli("machines", "add", "agent", "-p", "agentPassw0rd-abcdef")
        try daemon.start()
        bearer = try daemon.machineHeaders("agent", password: "agentPassw0rd-abcdef")
    }

    override func tearDown() {
        daemon = nil
    }

    /// `bytes` compressed by the system's gzip, as a client's library would send them.
    private func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
        writer.start()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(compressed)
    }

    func testGzipBodiesAreReadAndBoundedAfterInflating() throws {
        let at = ISO8601DateFormatter().string(from: Date())
        let alert = try gzip(Array(AlertsAPITests.cscliAdd("198.51.100.30", scope: "Ip", at: at).utf8))
        var headers = bearer
        headers["Content-Encoding"] = "gzip"
        let stored = try RawHTTP.request("POST", "/v1/alerts", port: daemon.port, headers: headers, bytes: alert)
        XCTAssertEqual(stored.status, 201, stored.body)
        XCTAssertTrue(try daemon.get("/v1/decisions?ip=198.51.100.30", headers: daemon.keyHeader).body.contains("198.51.100.30"))

        // 4 MiB of spaces shrink to a few KiB: past the login route's 1 MiB once inflated.
        let bomb = try gzip(Array(repeating: UInt8(ascii: " "), count: 4 << 20))
        XCTAssertLessThan(bomb.count, 64 << 10)
        let refused = try RawHTTP.request(
            "POST", "/v1/watchers/login", port: daemon.port,
            headers: ["Content-Encoding": "gzip", "User-Agent": MachinesAPITests.agentUA], bytes: bomb)
        XCTAssertEqual(refused.status, 413)
        XCTAssertEqual(
            refused.body, #"{"message":"the gzip body inflates past 1048576 bytes, the most this route reads; send less at once"}"#)

        let broken = try RawHTTP.request(
            "POST", "/v1/watchers/login", port: daemon.port, headers: ["Content-Encoding": "gzip"], body: "not gzip")
        XCTAssertEqual(broken.status, 400)
        XCTAssertTrue(broken.body.hasPrefix(#"{"message":"the body is not valid gzip ("#), broken.body)
        let other = try RawHTTP.request(
            "POST", "/v1/watchers/login", port: daemon.port, headers: ["Content-Encoding": "br"], body: "{}")
        XCTAssertEqual(other.status, 415)
        XCTAssertEqual(other.body, #"{"message":"Content-Encoding 'br' is not supported; send the body as is or with gzip"}"#)
        XCTAssertEqual(try daemon.get("/health").status, 200, "the daemon carries on")
    }

    func testAnAgentUnregistersItself() throws {
        let gone = try RawHTTP.request("DELETE", "/v1/watchers/self", port: daemon.port, headers: bearer)
        XCTAssertEqual(gone.status, 204)
        XCTAssertEqual(gone.body, "")
        XCTAssertFalse(try daemon.cli("machines", "list").out.contains("agent "), "the machine is removed from the file")
        XCTAssertEqual(try RawHTTP.request("GET", "/v1/heartbeat", port: daemon.port, headers: bearer).status, 401)
    }

    func testUsageMetricsAreSummedPerBouncer() throws {
        let report = #"{"remediation_components":[{"name":"traefik","type":"crowdsec-bouncer-traefik-plugin","version":"1.4.1","utc_startup_timestamp":1700000000,"feature_flags":[],"metrics":[{"meta":{"window_size_seconds":600,"utc_now_timestamp":1700000600},"items":[{"name":"dropped","value":12,"unit":"request","labels":{"origin":"crowdsec","remediation":"ban"}},{"name":"dropped","value":3,"unit":"request","labels":{"origin":"cscli","remediation":"captcha"}}]}]}]}"#
        for _ in 0..<2 {
            let answer = try RawHTTP.request("POST", "/v1/usage-metrics", port: daemon.port, headers: daemon.keyHeader, body: report)
            XCTAssertEqual(answer.status, 201, answer.body)
        }
        let bad = try RawHTTP.request("POST", "/v1/usage-metrics", port: daemon.port, headers: daemon.keyHeader, body: "[1]")
        XCTAssertEqual(bad.status, 400)
        let table = try daemon.cli("metrics", "--url", "http://127.0.0.1:\(daemon.metricsPort)/metrics").out
        XCTAssertTrue(table.contains("Bouncer usage (as bouncers report it):"), table)
        XCTAssertTrue(table.range(of: #"test +dropped +request +crowdsec +ban +24\n"#, options: .regularExpression) != nil, table)
        XCTAssertTrue(table.range(of: #"test +dropped +request +cscli +captcha +6\n"#, options: .regularExpression) != nil, table)
        let bouncers = try daemon.cli("bouncers", "list", "-o", "raw").out
        XCTAssertTrue(bouncers.hasSuffix(",dropped 30 request,api-key\n"), bouncers)
    }
}
