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
        XCTAssertTrue(bouncers.hasSuffix(",dropped 30 request\n"), bouncers)
    }

    /// The allowlist routes cscli 1.6.9+ calls before it sends decisions, from the file's named lists.
    func testAllowlistRoutesAnswerFromTheNamedLists() throws {
        try """
            127.0.0.0/8\tloopback
            192.0.2.99\texpires=2020-01-01T00:00:00Z\tlong gone

            [office] the office networks
            203.0.113.0/24\tLAN
            2001:db8:aa::/48\texpires=2099-01-01T00:00:00Z\tVPN until the move
            """.write(toFile: daemon.folder + "/allowlist", atomically: true, encoding: .utf8)
        XCTAssertTrue(try daemon.eventually(within: 3) {
            try RawHTTP.request("GET", "/v1/allowlists", port: daemon.port, headers: bearer).body.contains("office")
        })
        XCTAssertEqual(
            try RawHTTP.request("GET", "/v1/allowlists?with_content=true", port: daemon.port, headers: bearer).body,
            #"[{"description":"","items":[{"description":"loopback","value":"127.0.0.0/8"}],"name":"default"},"#
                + #"{"description":"the office networks","items":[{"description":"LAN","value":"203.0.113.0/24"},"#
                + #"{"description":"VPN until the move","expiration":"2099-01-01T00:00:00Z","value":"2001:db8:aa::/48"}],"name":"office"}]"#)
        XCTAssertEqual(
            try RawHTTP.request("GET", "/v1/allowlists/office", port: daemon.port, headers: bearer).body,
            #"{"description":"the office networks","items":[],"name":"office"}"#)
        let missing = try RawHTTP.request("GET", "/v1/allowlists/lab", port: daemon.port, headers: bearer)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.body, #"{"message":"allowlist 'lab' not found"}"#)
        XCTAssertEqual(
            try RawHTTP.request("GET", "/v1/allowlists/check/203.0.113.7", port: daemon.port, headers: bearer).body,
            #"{"allowlisted":true,"reason":"203.0.113.0/24 from office (LAN)"}"#)
        XCTAssertEqual(
            try RawHTTP.request("GET", "/v1/allowlists/check/192.0.2.99", port: daemon.port, headers: bearer).body, "{}",
            "an expired entry no longer applies")
        XCTAssertEqual(try RawHTTP.request("HEAD", "/v1/allowlists/check/203.0.113.7", port: daemon.port, headers: bearer).status, 200)
        XCTAssertEqual(try RawHTTP.request("HEAD", "/v1/allowlists/check/198.51.100.1", port: daemon.port, headers: bearer).status, 204)
        let bulk = try RawHTTP.request(
            "POST", "/v1/allowlists/check", port: daemon.port, headers: bearer,
            body: #"{"targets":["198.51.100.1","203.0.113.9","0.0.0.0/0"]}"#)
        XCTAssertEqual(
            bulk.body,
            #"{"results":[{"allowlists":["203.0.113.0/24 from office (LAN)"],"target":"203.0.113.9"},"#
                + #"{"allowlists":["127.0.0.0/8 from default (loopback)","203.0.113.0/24 from office (LAN)"],"target":"0.0.0.0/0"}]}"#)
        let empty = try RawHTTP.request("POST", "/v1/allowlists/check", port: daemon.port, headers: bearer, body: #"{"targets":[]}"#)
        XCTAssertEqual(empty.status, 400)
        XCTAssertEqual(empty.body, #"{"message":"targets list cannot be empty"}"#)
        XCTAssertEqual(try RawHTTP.request("GET", "/v1/allowlists", port: daemon.port).status, 401, "a machine token is needed")
    }
}
