import Foundation
import WardenTesting
import XCTest

/// What a bouncer ends up enforcing after sequences, not single steps: the defects a
/// stream bouncer, a stacked decision, a simulated alert and a shared key each showed
/// before ABI 1.2 (each test failed on the code before it).
final class EnforcementTests: XCTestCase {
    private var daemon: DaemonHarness!

    override func tearDown() {
        daemon = nil
    }

    /// Starts a daemon with a machine logged in; `simulation`, when given, is its simulation.yaml.
    private func start(simulation: String? = nil) throws -> [String: String] {
        daemon = try DaemonHarness()
        if let simulation {
            try simulation.write(toFile: daemon.folder + "/simulation.yaml", atomically: true, encoding: .utf8)
        }
        try daemon.cli("machines", "add", "agent", "-p", "agentPassw0rd-abcdef")
        try daemon.start()
        return try daemon.machineHeaders("agent", password: "agentPassw0rd-abcdef")
    }

    private var now: String { ISO8601DateFormatter().string(from: Date()) }

    /// The values a bouncer holds after applying `body` to `held`: `new` then `deleted`
    /// (the Traefik plugin's order) or the other way (the firewall bouncer's), by value.
    private func apply(_ body: String, to held: Set<String>, newFirst: Bool) throws -> Set<String> {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        func values(_ key: String) -> [String] {
            (object[key] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
        }
        var held = held
        if newFirst {
            held.formUnion(values("new"))
            held.subtract(values("deleted"))
        } else {
            held.subtract(values("deleted"))
            held.formUnion(values("new"))
        }
        return held
    }

    /// Ban, unban, re-ban: a bouncer that starts afterwards, and one that ran throughout,
    /// both block the address whatever order they apply a pull in.
    func testAReBanReachesEveryStreamBouncerInEitherOrder() throws {
        _ = try start()
        let key = daemon.keyHeader
        // The bouncer that runs throughout pulls from another address: a position of its own.
        func pullThroughout(_ query: String) throws -> String {
            try RawHTTP.request("GET", "/v1/decisions/stream" + query, port: daemon.port, headers: key, from: "127.0.0.2").body
        }
        var throughout = try apply(try pullThroughout("?startup=true"), to: [], newFirst: true)
        try daemon.cli("ban", "add", "ip", "192.0.2.1", "4h", "first")
        try daemon.cli("ban", "del", "ip", "192.0.2.1")
        try daemon.cli("ban", "add", "ip", "192.0.2.1", "4h", "again")
        XCTAssertTrue(try daemon.eventually(within: 2.5) {
            try daemon.get("/v1/decisions?ip=192.0.2.1", headers: key).body.contains("again")
        })
        let startup = try daemon.get("/v1/decisions/stream?startup=true", headers: key).body
        XCTAssertFalse(startup.contains(#""deleted":[{"#), "a live value must not be in deleted: \(startup)")
        XCTAssertEqual(try apply(startup, to: [], newFirst: true), ["192.0.2.1"], startup)
        XCTAssertEqual(try apply(startup, to: [], newFirst: false), ["192.0.2.1"], startup)
        let delta = try pullThroughout("")
        throughout = try apply(delta, to: throughout, newFirst: true)
        XCTAssertEqual(throughout, ["192.0.2.1"], delta)
    }

    /// A 24 h ban, then a 1 minute captcha and a 1 minute ban of the same address: the
    /// 24 h ban stays enforced; CrowdSec keeps every decision, so does Warden.
    func testAShorterDecisionNeverShortensALongerBan() throws {
        let bearer = try start()
        try daemon.cli("ban", "add", "ip", "192.0.2.50", "24h", "manual")
        let at = now
        for type in ["captcha", "ban"] {
            let answer = try RawHTTP.request(
                "POST", "/v1/alerts", port: daemon.port, headers: bearer,
                body: AlertsAPITests.cscliAdd("192.0.2.50", scope: "Ip", type: type, duration: "1m", at: at))
            XCTAssertEqual(answer.status, 201, answer.body)
        }
        let key = daemon.keyHeader
        let live = try daemon.get("/v1/decisions?ip=192.0.2.50", headers: key).body
        XCTAssertEqual(live.components(separatedBy: #""value":"192.0.2.50""#).count - 1, 3, "every decision is served: \(live)")
        let startup = try daemon.get("/v1/decisions/stream?startup=true", headers: key).body
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(startup.utf8)) as? [String: Any])
        let new = try XCTUnwrap(object["new"] as? [[String: Any]])
        let durations = Dictionary(uniqueKeysWithValues: new.map { ($0["type"] as! String, $0["duration"] as! String) })
        XCTAssertEqual(durations.keys.sorted(), ["ban", "captcha"], "per type, one decision (dedup): \(startup)")
        XCTAssertTrue(durations["ban"]!.hasPrefix("23h59m"), "the ban sent is the 24 h one: \(startup)")
        let all = try daemon.get("/v1/decisions/stream?startup=true&dedup=false", headers: key).body
        XCTAssertEqual(all.components(separatedBy: #""value":"192.0.2.50""#).count - 1, 3, "dedup=false sends all: \(all)")
        let list = try daemon.cli("ban", "list").out
        XCTAssertTrue(list.contains("192.0.2.50 has 3 live bans; the one that ends last is shown"), list)
        XCTAssertEqual(try daemon.cli("ban", "del", "ip", "192.0.2.50").out, "Deleted 3 bans for 192.0.2.50\n")
    }

    /// A simulated alert is stored (GET /v1/alerts says simulated) and never enforced;
    /// a scenario simulation.yaml puts in simulation likewise.
    func testSimulatedDecisionsAreKeptButNeverServed() throws {
        let headers = try start(simulation: "simulation: off\nexclusions:\n  - crowdsecurity/http-probing\n")
        let at = now
        let flagged = AlertsAPITests.cscliAdd("192.0.2.60", scope: "Ip", at: at).replacingOccurrences(
            of: #""simulated":false"#, with: #""simulated":true"#)
        XCTAssertEqual(try RawHTTP.request("POST", "/v1/alerts", port: daemon.port, headers: headers, body: flagged).status, 201)
        let probing = AlertsAPITests.cscliAdd("192.0.2.61", scope: "Ip", at: at).replacingOccurrences(
            of: "manual 'ban' from 'cscli-lapi'", with: "crowdsecurity/http-probing")
        XCTAssertEqual(try RawHTTP.request("POST", "/v1/alerts", port: daemon.port, headers: headers, body: probing).status, 201)
        let real = AlertsAPITests.cscliAdd("192.0.2.62", scope: "Ip", at: at)
        XCTAssertEqual(try RawHTTP.request("POST", "/v1/alerts", port: daemon.port, headers: headers, body: real).status, 201)
        let key = daemon.keyHeader
        for simulated in ["192.0.2.60", "192.0.2.61"] {
            XCTAssertEqual(try daemon.get("/v1/decisions?ip=\(simulated)", headers: key).body, "null", simulated)
        }
        let stream = try daemon.get("/v1/decisions/stream?startup=true", headers: key).body
        XCTAssertFalse(stream.contains("192.0.2.60") || stream.contains("192.0.2.61"), stream)
        XCTAssertTrue(stream.contains("192.0.2.62"), stream)
        let alerts = try RawHTTP.request("GET", "/v1/alerts", port: daemon.port, headers: headers).body
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(alerts.utf8)) as? [[String: Any]])
        let flags = Dictionary(uniqueKeysWithValues: list.map {
            (($0["source"] as? [String: Any])?["value"] as? String ?? "", $0["simulated"] as? Bool ?? false)
        })
        XCTAssertEqual(flags, ["192.0.2.60": true, "192.0.2.61": true, "192.0.2.62": false], alerts)
        let unsimulated = try RawHTTP.request("GET", "/v1/alerts?simulated=false", port: daemon.port, headers: headers).body
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(unsimulated.utf8)) as? [Any])?.count, 1, unsimulated)
    }

    /// Two stream bouncers sharing one key from two addresses each get every change:
    /// positions are kept per key and client address, shown as NAME and NAME@ADDRESS.
    func testBouncersSharingAKeyEachGetEveryDelta() throws {
        _ = try start()
        let key = daemon.keyHeader
        func pull(from address: String, startup: Bool = false) throws -> String {
            try RawHTTP.request(
                "GET", "/v1/decisions/stream" + (startup ? "?startup=true" : ""), port: daemon.port, headers: key,
                from: address
            ).body
        }
        _ = try pull(from: "127.0.0.1", startup: true)
        _ = try pull(from: "127.0.0.2", startup: true)
        try daemon.cli("ban", "add", "ip", "192.0.2.70", "4h", "shared")
        var first = ""
        XCTAssertTrue(try daemon.eventually(within: 2.5) {
            first += try pull(from: "127.0.0.1")
            return first.contains("192.0.2.70")
        })
        XCTAssertTrue(try pull(from: "127.0.0.2").contains("192.0.2.70"), "the second replica must get the ban too")
        _ = daemon.stop()
        let list = try daemon.cli("bouncers", "list", "-o", "raw").out
        XCTAssertTrue(list.contains("\ntest,127.0.0.1,") && list.contains("\ntest@127.0.0.2,127.0.0.2,"), list)
    }
}
