import Foundation
import WardenTesting
import XCTest

/// `warden-daemon` as bouncers see it: exact bodies, statuses and freshness, against a
/// real SQLite store changed by the `warden` CLI in other processes.
final class DecisionsAPITests: XCTestCase {
    private var daemon: DaemonHarness!

    override func setUpWithError() throws {
        daemon = try DaemonHarness()
    }

    override func tearDown() {
        daemon = nil
    }

    /// The body with every Go duration replaced by `D`, for exact comparison.
    private func masked(_ body: String) -> String {
        body.replacingOccurrences(of: #""duration":"-?[0-9hmsµn.]+""#, with: #""duration":"D""#, options: .regularExpression)
    }

    func testHealthAndKeysAreCheckedAsLAPIDoes() throws {
        try daemon.start()
        let health = try daemon.get("/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.body, #"{"status":"up"}"#)
        for headers in [[:], ["X-Api-Key": "wrong-key-0123456789"]] {
            let refused = try daemon.get("/v1/decisions?ip=192.0.2.1", headers: headers)
            XCTAssertEqual(refused.status, 403)
            XCTAssertEqual(refused.body, #"{"message":"access forbidden"}"#)
            XCTAssertEqual(refused.headers["content-type"], "application/json; charset=utf-8")
        }
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.1", headers: daemon.keyHeader).body, "null")
    }

    func testLiveQueryMatchesAddressesAndRangesThatContainThem() throws {
        try daemon.cli("ban", "add", "ip", "192.0.2.7", "4h", "ssh")
        try daemon.cli("ban", "add", "range", "198.51.100.0/24", "1h", "scan")
        try daemon.cli("ban", "add", "range", "2001:db8::/32", "1h", "probe", "--remediation", "captcha")
        try daemon.start()
        let key = daemon.keyHeader
        XCTAssertEqual(masked(try daemon.get("/v1/decisions?ip=192.0.2.7", headers: key).body),
                       #"[{"duration":"D","id":1,"origin":"cscli","scenario":"ssh","scope":"Ip","type":"ban","value":"192.0.2.7"}]"#)
        XCTAssertEqual(masked(try daemon.get("/v1/decisions?ip=198.51.100.200", headers: key).body),
                       #"[{"duration":"D","id":2,"origin":"cscli","scenario":"scan","scope":"Range","type":"ban","value":"198.51.100.0/24"}]"#)
        XCTAssertEqual(masked(try daemon.get("/v1/decisions?ip=2001:db8:1::5", headers: key).body),
                       #"[{"duration":"D","id":3,"origin":"cscli","scenario":"probe","scope":"Range","type":"captcha","value":"2001:db8::/32"}]"#)
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=203.0.113.1", headers: key).body, "null")
        XCTAssertEqual(try daemon.get("/v1/decisions?range=198.51.0.0/16&contains=false", headers: key).body.contains("198.51.100.0/24"), true)
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.7&type=captcha", headers: key).body, "null")
        let head = try RawHTTP.request("HEAD", "/v1/decisions?ip=192.0.2.7", port: daemon.port, headers: key)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, "")
    }

    func testStreamStartsWhole_ThenSendsDeltasWithinTwoSeconds() throws {
        try daemon.cli("ban", "add", "ip", "192.0.2.7", "4h", "ssh")
        try daemon.start()
        let key = daemon.keyHeader
        XCTAssertEqual(masked(try daemon.get("/v1/decisions/stream?startup=true", headers: key).body),
                       #"{"deleted":null,"new":[{"duration":"D","id":1,"origin":"cscli","scenario":"ssh","scope":"Ip","type":"ban","value":"192.0.2.7"}]}"#)
        XCTAssertEqual(try daemon.get("/v1/decisions/stream?", headers: key).body, #"{"deleted":null,"new":null}"#)

        try daemon.cli("ban", "add", "ip", "2001:db8::7", "1h", "web")
        var seen = ""
        XCTAssertTrue(try daemon.eventually(within: 2.5) {
            seen += try daemon.get("/v1/decisions/stream", headers: key).body
            return seen.contains("2001:db8::7")
        }, "a ban added by another process reaches the stream within 2 s: \(seen)")

        try daemon.cli("ban", "del", "ip", "192.0.2.7")
        var deleted = ""
        XCTAssertTrue(try daemon.eventually(within: 2.5) {
            deleted += try daemon.get("/v1/decisions/stream", headers: key).body
            return deleted.contains(#""deleted":[{"duration":"-"#) && deleted.contains("192.0.2.7")
        }, "a deletion reaches the stream with a negative duration within 2 s: \(deleted)")
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.7", headers: key).body, "null")
    }

    func testWrongPathsMethodsAndParameters() throws {
        try daemon.start()
        let key = daemon.keyHeader
        let missing = try daemon.get("/v1/nothing", headers: key)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.body, "")
        let wrongMethod = try RawHTTP.request("POST", "/v1/decisions", port: daemon.port, headers: key)
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.body, "")
        let bad = try daemon.get("/v1/decisions?ip=300.1.1.1", headers: key)
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.body, #"{"message":"ip '300.1.1.1' is not an address or a CIDR block; write it like 192.0.2.1, 192.0.2.0/24, 2001:db8::1 or 2001:db8::/32"}"#)
        XCTAssertEqual(try daemon.get("/v1/decisions?test=test", headers: key).status, 200, "unknown parameters are ignored")
        let metrics = try RawHTTP.request("POST", "/v1/usage-metrics", port: daemon.port, headers: key, body: "{}")
        XCTAssertEqual(metrics.status, 201)
    }

    func testBouncerKeysChangeWithoutARestart() throws {
        try daemon.start()
        let newKey = ["X-Api-Key": "second-bouncer-key-0123456789"]
        XCTAssertEqual(try daemon.get("/v1/decisions", headers: newKey).status, 403)
        XCTAssertEqual(try daemon.cli("bouncers", "add", "second", "-k", "second-bouncer-key-0123456789").status, 0)
        XCTAssertTrue(try daemon.eventually(within: 3) { try daemon.get("/v1/decisions", headers: newKey).status == 200 })
        XCTAssertEqual(try daemon.cli("bouncers", "delete", "second").out, "Bouncer 'second' deleted\n")
        XCTAssertTrue(try daemon.eventually(within: 3) { try daemon.get("/v1/decisions", headers: newKey).status == 403 })
    }

    func testWardenRunServesAndSIGTERMStopsCleanly() throws {
        try daemon.start(throughRun: true)
        _ = try daemon.get("/v1/decisions/stream?startup=true", headers: daemon.keyHeader.merging(["User-Agent": "crowdsec-firewall-bouncer/v0.0.25"]) { $1 })
        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertTrue(daemon.daemonLog.contains("stopped: every backend flushed and shut down"), daemon.daemonLog)
        let list = try daemon.cli("bouncers", "list", "-o", "raw").out
        XCTAssertTrue(list.contains("test,127.0.0.1,"), list)
        XCTAssertTrue(list.contains(",crowdsec-firewall-bouncer,v0.0.25,"), list)
    }

    func testAnUnusableConfigStopsBeforeServing() throws {
        try "api:\n  server:\n    listen_uri: localhost\n".write(toFile: daemon.config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.folder + "/warden-daemon")
        process.arguments = ["-c", daemon.config]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 64)
        XCTAssertEqual(text, "error: \(daemon.config):3: 'api.server.listen_uri' must be host:port, such as 127.0.0.1:8080 or [::1]:8080\n")
    }
}
