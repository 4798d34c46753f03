import Foundation
import WardenTesting
import XCTest

/// `cscli`'s reads and deletes: `GET /v1/alerts[/:id]`, `DELETE /v1/alerts`,
/// `DELETE /v1/decisions[/:id]`, answered from the SQLite store's history in LAPI's shapes.
final class AlertHistoryAPITests: XCTestCase {
    private var daemon: DaemonHarness!
    private var bearer: [String: String] = [:]

    override func setUpWithError() throws {
        daemon = try DaemonHarness()
        try daemon.cli("machines", "add", "cscli-lapi", "-p", "cscliPassw0rd-abcdef")
        try daemon.start()
        bearer = try daemon.machineHeaders("cscli-lapi", password: "cscliPassw0rd-abcdef")
    }

    override func tearDown() {
        daemon = nil
    }

    private func call(_ method: String, _ target: String, body: String = "") throws -> RawResponse {
        try RawHTTP.request(method, target, port: daemon.port, headers: bearer, body: body)
    }

    /// An `ip` alert (id 1) and a `range` alert (id 2) from `cscli decisions add`, and an import
    /// (id 3) whose CIDR is sent as `Ip`. The stop time is now, so durations are a few seconds short.
    private func addThree() throws {
        let now = ISO8601DateFormatter().string(from: Date())
        XCTAssertEqual(try call("POST", "/v1/alerts", body: AlertsAPITests.cscliAdd("198.51.100.7", scope: "Ip", at: now)).body, #"["1"]"#)
        XCTAssertEqual(try call("POST", "/v1/alerts", body: AlertsAPITests.cscliAdd(
            "198.51.100.0/28", scope: "Range", type: "captcha", duration: "2h", at: now)).body, #"["2"]"#)
        let importBody = #"[{"capacity":0,"decisions":[{"duration":"1h","origin":"cscli-import","scenario":"import-a","scope":"Ip","simulated":false,"type":"ban","value":"203.0.113.1"},{"duration":"30m","origin":"cscli-import","scenario":"import-c","scope":"Ip","simulated":false,"type":"ban","value":"203.0.113.0/30"}],"events":[],"events_count":2,"labels":null,"leakspeed":"","message":"","scenario":"add: 2 IPs","scenario_hash":"","scenario_version":"","simulated":false,"source":{"scope":"cscli/manual-import","value":""},"start_at":"\#(now)","stop_at":"\#(now)"}]"#
        XCTAssertEqual(try call("POST", "/v1/alerts", body: importBody).body, #"["3"]"#)
    }

    /// `body` with the times that depend on the clock replaced: durations by `D` (each checked
    /// to be just under `expected`, in order), `created_at`, `start_at`, `stop_at` by `T`.
    private func stable(_ body: String, durations expected: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        var out = body
        var found: [String] = []
        let pattern = try! NSRegularExpression(pattern: #""duration":"([^"]*)""#)
        for match in pattern.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
            found.append(String(body[Range(match.range(at: 1), in: body)!]))
        }
        XCTAssertEqual(found.count, expected.count, body, file: file, line: line)
        for (duration, prefix) in zip(found, expected) {
            XCTAssertTrue(duration.hasPrefix(prefix), "\(duration) should start with \(prefix)", file: file, line: line)
        }
        for (regex, replacement) in [(#""duration":"[^"]*""#, #""duration":"D""#), (#""(created_at|start_at|stop_at)":"[^"]*""#, #""$1":"T""#)] {
            out = out.replacingOccurrences(of: regex, with: replacement, options: .regularExpression)
        }
        return out
    }

    private static func cscliAlert(id: Int, value: String, scope: String, type: String, decisionID: Int) -> String {
        let reason = "manual '\(type)' from 'cscli-lapi'"
        return #"{"capacity":0,"created_at":"T","decisions":[{"duration":"D","id":\#(decisionID),"origin":"cscli","scenario":"\#(reason)","scope":"\#(scope)","simulated":false,"type":"\#(type)","value":"\#(value)"}],"events":null,"events_count":1,"id":\#(id),"labels":null,"leakspeed":"0","machine_id":"cscli-lapi","message":"\#(reason)","scenario":"\#(reason)","scenario_hash":"","scenario_version":"","simulated":false,"source":{"ip":"\#(value)","scope":"\#(scope)","value":"\#(value)"},"start_at":"T","stop_at":"T"}"#
    }

    private static let importAlert = #"{"capacity":0,"created_at":"T","decisions":[{"duration":"D","id":3,"origin":"cscli-import","scenario":"import-a","scope":"Ip","simulated":false,"type":"ban","value":"203.0.113.1"},{"duration":"D","id":4,"origin":"cscli-import","scenario":"import-c","scope":"Ip","simulated":false,"type":"ban","value":"203.0.113.0/30"}],"events":null,"events_count":2,"id":3,"labels":null,"leakspeed":"","machine_id":"cscli-lapi","message":"","scenario":"add: 2 IPs","scenario_hash":"","scenario_version":"","simulated":false,"source":{"scope":"cscli/manual-import","value":""},"start_at":"T","stop_at":"T"}"#

    func testDecisionsListShowsTheAlertsAsLAPIWritesThem_NewestFirst_WithoutTheImport() throws {
        XCTAssertEqual(try call("GET", "/v1/alerts?has_active_decision=true&include_capi=false&limit=100").body, "null")
        try addThree()
        let listed = try call("GET", "/v1/alerts?has_active_decision=true&include_capi=false&limit=100")
        XCTAssertEqual(listed.status, 200)
        XCTAssertEqual(listed.headers["content-type"], "application/json; charset=utf-8")
        XCTAssertEqual(stable(listed.body, durations: ["1h59m5", "3h59m5"]), "["
            + Self.cscliAlert(id: 2, value: "198.51.100.0/28", scope: "Range", type: "captcha", decisionID: 2) + ","
            + Self.cscliAlert(id: 1, value: "198.51.100.7", scope: "Ip", type: "ban", decisionID: 1) + "]")
        // `-a` (include_capi=true): the import too, its CIDR with the scope it was sent with.
        XCTAssertEqual(
            stable(try call("GET", "/v1/alerts?has_active_decision=true&include_capi=true&limit=100").body,
                   durations: ["59m5", "29m5", "1h59m5", "3h59m5"]),
            "[" + Self.importAlert + "," + Self.cscliAlert(id: 2, value: "198.51.100.0/28", scope: "Range", type: "captcha", decisionID: 2)
                + "," + Self.cscliAlert(id: 1, value: "198.51.100.7", scope: "Ip", type: "ban", decisionID: 1) + "]")
        // An address inside the range lists the range's alert; limit and sort=ASC.
        XCTAssertEqual(stable(try call("GET", "/v1/alerts?include_capi=false&limit=50&ip=198.51.100.3").body, durations: ["1h59m5"]),
                       "[" + Self.cscliAlert(id: 2, value: "198.51.100.0/28", scope: "Range", type: "captcha", decisionID: 2) + "]")
        XCTAssertEqual(stable(try call("GET", "/v1/alerts?limit=1&sort=ASC").body, durations: ["3h59m5"]),
                       "[" + Self.cscliAlert(id: 1, value: "198.51.100.7", scope: "Ip", type: "ban", decisionID: 1) + "]")
        XCTAssertEqual(stable(try call("GET", "/v1/alerts?scope=ip&value=198.51.100.7").body, durations: ["3h59m5"]),
                       "[" + Self.cscliAlert(id: 1, value: "198.51.100.7", scope: "Ip", type: "ban", decisionID: 1) + "]")
        XCTAssertEqual(try call("GET", "/v1/alerts?has_active_decision=false").body, "null")
    }

    func testOneAlertById_404AsLAPI() throws {
        try addThree()
        XCTAssertEqual(stable(try call("GET", "/v1/alerts/3").body, durations: ["59m5", "29m5"]), Self.importAlert)
        let missing = try call("GET", "/v1/alerts/99")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.body, #"{"message":"object not found"}"#)
        let bad = try call("GET", "/v1/alerts/x")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.body, #"{"message":"alert_id must be valid integer"}"#)
    }

    func testDeletingByAddressEndsTheRangesAroundIt_BeforeAnswering() throws {
        try addThree()
        XCTAssertNotEqual(try daemon.get("/v1/decisions?ip=198.51.100.3", headers: daemon.keyHeader).body, "null")
        let deleted = try call("DELETE", "/v1/decisions?ip=198.51.100.3")
        XCTAssertEqual(deleted.status, 200)
        XCTAssertEqual(deleted.body, #"{"nbDeleted":"1"}"#)
        // No wait: the decision index has it before the answer.
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=198.51.100.3", headers: daemon.keyHeader).body, "null")
        XCTAssertEqual(try call("DELETE", "/v1/decisions?ip=198.51.100.3").body, #"{"nbDeleted":"0"}"#)
        XCTAssertEqual(try call("DELETE", "/v1/decisions?range=198.51.100.0/24&contains=false&type=ban").body, #"{"nbDeleted":"1"}"#)
        // Alerts whose decisions all ended are no longer active; the import is left.
        XCTAssertEqual(try call("GET", "/v1/alerts?has_active_decision=true&include_capi=false").body, "null")
        // The range's alert still lists its ended decision, with a negative remaining time.
        XCTAssertTrue(try call("GET", "/v1/alerts/2").body.contains(#"{"duration":"-"#))
        XCTAssertEqual(try call("DELETE", "/v1/decisions?scopes=Username&value=root").body, #"{"nbDeleted":"0"}"#)
        XCTAssertEqual(try call("DELETE", "/v1/decisions/4").body, #"{"nbDeleted":"1"}"#)
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=203.0.113.2", headers: daemon.keyHeader).body, "null")
        let again = try call("DELETE", "/v1/decisions/4")
        XCTAssertEqual(again.status, 500)
        XCTAssertEqual(again.body, #"{"message":"decision with id '4' doesn't exist: unable to delete"}"#)
        XCTAssertEqual(try call("DELETE", "/v1/decisions/x").body, #"{"message":"decision_id must be valid integer"}"#)
    }

    func testDeletingAlertsEndsTheirDecisions_AndHidesThem() throws {
        try addThree()
        // The address and the range that contains it.
        XCTAssertEqual(try call("DELETE", "/v1/alerts?ip=198.51.100.7&limit=0").body, #"{"nbDeleted":"2"}"#)
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=198.51.100.7", headers: daemon.keyHeader).body, "null")
        XCTAssertEqual(try call("GET", "/v1/alerts/1").status, 404)
        XCTAssertEqual(try call("DELETE", "/v1/alerts?limit=0").body, #"{"nbDeleted":"1"}"#)
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=203.0.113.1", headers: daemon.keyHeader).body, "null")
        XCTAssertEqual(try call("GET", "/v1/alerts").body, "null")
    }

    func testOneAlertIsDeletedById_AsLAPIAnswers() throws {
        try addThree()
        XCTAssertEqual(try call("DELETE", "/v1/alerts/1").body, #"{"nbDeleted":"1"}"#)
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=198.51.100.7", headers: daemon.keyHeader).body.contains("198.51.100.7"), false)
        for target in ["/v1/alerts/1", "/v1/alerts/0", "/v1/alerts/99"] {
            let again = try call("DELETE", target)
            XCTAssertEqual(again.status, 500, target)
            XCTAssertEqual(again.body, #"{"message":"ent: alert not found"}"#, target)
        }
        let bad = try call("DELETE", "/v1/alerts/x")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(bad.body, #"{"message":"alert_id must be valid integer"}"#)
        XCTAssertEqual(try call("GET", "/v1/alerts/2").status, 200)
    }

    /// CrowdSec 1.4.6: alerts are deleted from 127.0.0.1, ::1 or `trusted_ips` only, checked
    /// before anything else; reads and decision deletes are for any machine.
    func testDeletingAlertsNeedsATrustedPeer() throws {
        try addThree()
        for target in ["/v1/alerts?limit=0", "/v1/alerts/1", "/v1/alerts/x", "/v1/alerts?ip=bad"] {
            let refused = try RawHTTP.request("DELETE", target, port: daemon.port, headers: bearer, from: "127.0.0.2")
            XCTAssertEqual(refused.status, 403, target)
            XCTAssertEqual(refused.body, #"{"message":"access forbidden from this IP (127.0.0.2)"}"#, target)
        }
        XCTAssertEqual(try RawHTTP.request("GET", "/v1/alerts/1", port: daemon.port, headers: bearer, from: "127.0.0.2").status, 200)
        XCTAssertEqual(
            try RawHTTP.request("DELETE", "/v1/decisions?ip=192.0.2.99", port: daemon.port, headers: bearer, from: "127.0.0.2").body,
            #"{"nbDeleted":"0"}"#)
        // Without a token the machine routes' 401 comes first, as LAPI's middleware does.
        XCTAssertEqual(try RawHTTP.request("DELETE", "/v1/alerts", port: daemon.port, from: "127.0.0.2").status, 401)
    }

    func testTrustedIPsLetAnotherPeerDeleteAlerts() throws {
        daemon = nil
        daemon = try DaemonHarness(apiServer: "trusted_ips:\n  - 192.0.2.1\n  - 127.0.0.0/30")
        try daemon.cli("machines", "add", "cscli-lapi", "-p", "cscliPassw0rd-abcdef")
        try daemon.start()
        bearer = try daemon.machineHeaders("cscli-lapi", password: "cscliPassw0rd-abcdef")
        try addThree()
        XCTAssertEqual(
            try RawHTTP.request("DELETE", "/v1/alerts/1", port: daemon.port, headers: bearer, from: "127.0.0.2").body, #"{"nbDeleted":"1"}"#)
        XCTAssertEqual(try RawHTTP.request("DELETE", "/v1/alerts/2", port: daemon.port, headers: bearer, from: "127.0.0.5").body,
                       #"{"message":"access forbidden from this IP (127.0.0.5)"}"#)
    }

    func testBadFiltersAreLAPIsErrors() throws {
        for (target, message) in [
            ("/v1/alerts?foo=1", "Filter parameter 'foo' is unknown (=1): invalid filter"),
            ("/v1/alerts?ip=192.0.2.300", "unable to convert '192.0.2.300' to int: invalid address: invalid ip address / range"),
            ("/v1/alerts?range=10.0.0.0/33", "unable to convert '10.0.0.0/33' to int: while parsing range 10.0.0.0/33: invalid CIDR address: 10.0.0.0/33: invalid ip address / range"),
            ("/v1/alerts?limit=x", "bad limit in parameters: [x]: unable to query"),
            ("/v1/alerts?since=4x", #"while parsing duration: time: invalid duration \"4x\""#),
            ("/v1/alerts?has_active_decision=yes", #"'yes' is not a boolean: strconv.ParseBool: parsing \"yes\": invalid syntax: unable to parse type"#),
        ] {
            let answer = try call("GET", target)
            XCTAssertEqual(answer.status, 500, target)
            XCTAssertEqual(answer.body, #"{"message":"\#(message)"}"#, target)
        }
        XCTAssertEqual(try call("DELETE", "/v1/decisions?scope=Ip").body, #"{"message":"'scope' doesn't exist: invalid filter"}"#)
        XCTAssertEqual(try call("DELETE", "/v1/decisions?contains=maybe").body,
                       #"{"message":"invalid contains value : strconv.ParseBool: parsing \"maybe\": invalid syntax: invalid filter"}"#)
        // Without a token: the machine routes' 401.
        XCTAssertEqual(try RawHTTP.request("GET", "/v1/alerts", port: daemon.port, headers: [:], body: "").status, 401)
    }
}
