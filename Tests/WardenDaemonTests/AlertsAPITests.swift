import Foundation
import WardenTesting
import XCTest

/// `POST /v1/alerts` as the agent and `cscli` use it: ids as strings, bans in the store
/// and in `GET /v1/decisions` at once, retries that never duplicate, LAPI's refusals.
final class AlertsAPITests: XCTestCase {
    private var daemon: DaemonHarness!
    private var bearer: [String: String] = [:]

    override func setUpWithError() throws {
        daemon = try DaemonHarness()
        try daemon.cli("machines", "add", "agent-ssh", "-p", "agentPassw0rd-abcdef")
        try daemon.start()
        bearer = try daemon.machineHeaders("agent-ssh", password: "agentPassw0rd-abcdef")
    }

    override func tearDown() {
        daemon = nil
    }

    private func post(_ body: String) throws -> RawResponse {
        try RawHTTP.request("POST", "/v1/alerts", port: daemon.port, headers: bearer, body: body)
    }

    /// `cscli decisions add --ip`, then `--range`, verbatim but for the times.
    static func cscliAdd(_ value: String, scope: String, type: String = "ban", duration: String = "4h", at: String) -> String {
        #"[{"capacity":0,"created_at":"\#(at)","decisions":[{"duration":"\#(duration)","origin":"cscli","scenario":"manual '\#(type)' from 'cscli-lapi'","scope":"\#(scope)","type":"\#(type)","value":"\#(value)"}],"events":[],"events_count":1,"labels":null,"leakspeed":"0","message":"manual '\#(type)' from 'cscli-lapi'","scenario":"manual '\#(type)' from 'cscli-lapi'","scenario_hash":"","scenario_version":"","simulated":false,"source":{"ip":"\#(value)","scope":"\#(scope)","value":"\#(value)"},"start_at":"\#(at)","stop_at":"\#(at)"}]"#
    }

    private var now: String { ISO8601DateFormatter().string(from: Date()) }

    func testCscliDecisionsReachTheStoreAndBouncersAtOnce() throws {
        let at = now
        let ip = try post(Self.cscliAdd("198.51.100.7", scope: "Ip", at: at) + "\n")
        XCTAssertEqual(ip.status, 201)
        XCTAssertEqual(ip.body, #"["1"]"#)
        XCTAssertEqual(ip.headers["content-type"], "application/json; charset=utf-8")
        // No wait: the answer comes once the ban is in the decision index.
        XCTAssertTrue(try daemon.get("/v1/decisions?ip=198.51.100.7", headers: daemon.keyHeader).body
            .contains(#""origin":"cscli","scenario":"manual 'ban' from 'cscli-lapi'","scope":"Ip","type":"ban","value":"198.51.100.7"}]"#))
        let range = try post(Self.cscliAdd("198.51.100.0/28", scope: "Range", type: "captcha", duration: "2h", at: at))
        XCTAssertEqual(range.body, #"["2"]"#)
        XCTAssertTrue(try daemon.get("/v1/decisions?ip=198.51.100.3", headers: daemon.keyHeader).body.contains(#""type":"captcha","value":"198.51.100.0/28""#))
        let listed = try daemon.cli("ban", "list", "-o", "raw").out
        XCTAssertTrue(listed.contains("198.51.100.7"), listed)
        XCTAssertTrue(listed.contains("198.51.100.0/28"), listed)
    }

    /// `cscli decisions add`, `delete`, `add` of one address within a second sends one body
    /// twice: the second is a new alert, its ban enforced (as CrowdSec stores it).
    func testTheSameBodyAfterA201IsANewAlert_AReBanIsNeverLost() throws {
        let at = now
        let add = Self.cscliAdd("192.0.2.10", scope: "Ip", at: at)
        XCTAssertEqual(try post(add).body, #"["1"]"#)
        let deleted = try RawHTTP.request("DELETE", "/v1/decisions?ip=192.0.2.10", port: daemon.port, headers: bearer)
        XCTAssertEqual(deleted.body, #"{"nbDeleted":"1"}"#)
        XCTAssertEqual(try post(add).body, #"["2"]"#)
        XCTAssertTrue(try daemon.get("/v1/decisions?ip=192.0.2.10", headers: daemon.keyHeader).body.contains(#""id":2"#))
        let rows = try daemon.cli("ban", "list", "-o", "raw").out.split(separator: "\n").filter { $0.contains("192.0.2.10") }
        XCTAssertEqual(rows.count, 1, rows.joined(separator: "\n"))
    }

    func testImportKeepsEveryDecisionAsGiven_ARangeSentAsIpIsARange() throws {
        let at = now
        let body = #"[{"capacity":0,"created_at":"\#(at)","decisions":[{"duration":"1h","origin":"cscli-import","scenario":"import test","scope":"Ip","simulated":false,"type":"ban","value":"203.0.113.1"},{"duration":"4h","origin":"cscli-import","scenario":"import test 2","scope":"Ip","simulated":false,"type":"ban","value":"203.0.113.2"},{"duration":"30m","origin":"cscli-import","scenario":"import range","scope":"Ip","simulated":false,"type":"captcha","value":"203.0.113.0/30"}],"events":[],"events_count":3,"labels":null,"leakspeed":"","message":"","scenario":"add: 3 IPs","scenario_hash":"","scenario_version":"","simulated":false,"source":{"scope":"cscli/manual-import","value":""},"start_at":"\#(at)","stop_at":"\#(at)"}]"#
        XCTAssertEqual(try post(body).body, #"["1"]"#)
        // Ids are the store's: the import's three bans took 1 to 3, the next alert is 4, as GET lists it.
        XCTAssertEqual(try post(Self.cscliAdd("198.51.100.9", scope: "Ip", at: at)).body, #"["4"]"#)
        let four = try RawHTTP.request("GET", "/v1/alerts/4", port: daemon.port, headers: bearer).body
        XCTAssertTrue(four.contains(#""id":4,"labels":null"#) && four.contains(#""value":"198.51.100.9""#), four)
        let live = try daemon.get("/v1/decisions?ip=203.0.113.2", headers: daemon.keyHeader).body
        XCTAssertTrue(live.contains(#""origin":"cscli-import","scenario":"import range","scope":"Range","type":"captcha","value":"203.0.113.0/30""#), live)
        XCTAssertTrue(live.contains(#""origin":"cscli-import","scenario":"import test 2","scope":"Ip","type":"ban","value":"203.0.113.2""#), live)
    }

    func testAnAgentAlertGetsTheDefaultProfilesBan() throws {
        let at = now
        let alert = #"[{"capacity":5,"decisions":null,"events":[{"meta":[{"key":"service","value":"ssh"},{"key":"source_ip","value":"192.0.2.20"}],"timestamp":"\#(at)"}],"events_count":6,"labels":null,"leakspeed":"10s","message":"Ip 192.0.2.20 performed 'crowdsecurity/ssh-bf' (6 events over 1s)","remediation":true,"scenario":"crowdsecurity/ssh-bf","scenario_hash":"4441","scenario_version":"0.1","simulated":false,"source":{"ip":"192.0.2.20","scope":"Ip","value":"192.0.2.20"},"start_at":"\#(at)","stop_at":"\#(at)"},{"capacity":5,"decisions":null,"events":[],"events_count":6,"labels":null,"leakspeed":"10s","message":"no remediation","remediation":false,"scenario":"crowdsecurity/ssh-bf","scenario_hash":"4441","scenario_version":"0.1","simulated":false,"source":{"ip":"192.0.2.21","scope":"Ip","value":"192.0.2.21"},"start_at":"\#(at)","stop_at":"\#(at)"}]"#
        // The second asks for no remediation: no ban, nothing stored, no id.
        XCTAssertEqual(try post(alert).body, #"["1","0"]"#)
        let live = try daemon.get("/v1/decisions?ip=192.0.2.20", headers: daemon.keyHeader).body
        XCTAssertNotNil(live.range(of: #"^\[\{"duration":"3h59m5[0-9][^"]*","id":1,"origin":"crowdsec","scenario":"crowdsecurity/ssh-bf","scope":"Ip","type":"ban","value":"192.0.2.20"\}\]$"#, options: .regularExpression), live)
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.21", headers: daemon.keyHeader).body, "null")
    }

    func testRefusalsAreLAPIs_AndLoggedOnceHoweverOftenResent() throws {
        let missing = try post(#"[{"scenario":"x"}]"#)
        XCTAssertEqual(missing.status, 500)
        XCTAssertEqual(missing.body, #"{"message":"validation failure list:\n0.capacity in body is required\n0.events in body is required\n0.events_count in body is required\n0.leakspeed in body is required\n0.message in body is required\n0.scenario_hash in body is required\n0.scenario_version in body is required\n0.simulated in body is required\n0.source in body is required\n0.start_at in body is required\n0.stop_at in body is required"}"#)
        let badIP = Self.cscliAdd("192.0.2.300", scope: "Ip", at: now)
        for _ in 0..<3 {
            let answer = try post(badIP)
            XCTAssertEqual(answer.status, 500)
            XCTAssertEqual(answer.body, #"{"message":"invalid addr/range 192.0.2.300 : invalid address: unable to parse duration"}"#)
        }
        XCTAssertEqual(
            try post(Self.cscliAdd("192.0.2.1", scope: "Ip", duration: "4x", at: now)).body,
            #"{"message":"decision duration '4x' : time: invalid duration \"4x\": unable to parse duration"}"#)
        // A million levels of nesting: refused in Go's words, the daemon still up.
        let deep = try post(#"[{"x":"# + String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000) + "}]")
        XCTAssertEqual(deep.status, 400)
        XCTAssertEqual(deep.body, #"{"message":"invalid character '[' exceeded max depth"}"#)
        XCTAssertEqual(try post("not json").status, 400)
        XCTAssertEqual(try post("not json").body, #"{"message":"invalid character 'o' in literal null (expecting 'u')"}"#)
        XCTAssertEqual(try post("[]").body, "[]")
        let refusals = daemon.daemonLog.components(separatedBy: "\n").filter { $0.contains("refused: invalid addr/range 192.0.2.300") }
        XCTAssertEqual(refusals.count, 1, daemon.daemonLog)
        XCTAssertTrue(refusals[0].contains("machine 'agent-ssh'"), refusals[0])
    }
}
