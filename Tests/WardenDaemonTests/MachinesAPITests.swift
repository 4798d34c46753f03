import Foundation
import WardenTesting
import XCTest

/// `warden-daemon` as CrowdSec agents and `cscli` see it across processes: tokens that
/// survive a restart, registration validated by `warden machines`, sightings in the list.
/// Each refusal's exact answer is pinned in-process (WardenAPITests, MachineRouteTests).
final class MachinesAPITests: XCTestCase {
    private var daemon: DaemonHarness!
    static let agentUA = "crowdsec/v1.4.6-6~deb12u1+b1-linux-debian"

    override func setUpWithError() throws {
        daemon = try DaemonHarness()
    }

    override func tearDown() {
        daemon = nil
    }

    private func login(_ body: String, userAgent: String = agentUA) throws -> RawResponse {
        try RawHTTP.request(
            "POST", "/v1/watchers/login", port: daemon.port,
            headers: ["User-Agent": userAgent, "Content-Type": "application/json"], body: body)
    }

    /// A token for `name` (registered with `password`).
    func token(_ name: String, _ password: String) throws -> String {
        let answer = try login(#"{"machine_id":"\#(name)","password":"\#(password)","scenarios":["crowdsecurity/ssh-bf"]}"#)
        XCTAssertEqual(answer.status, 200, answer.body)
        let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        return try XCTUnwrap(object?["token"] as? String)
    }

    func testTokensHaveLAPIsShape_EarlierOnesStayValid_AndSurviveARestart() throws {
        try daemon.cli("machines", "add", "agent-ssh", "-p", "agentPassw0rd-abcdef")
        try daemon.start()
        let answer = try login(#"{"machine_id":"agent-ssh","password":"agentPassw0rd-abcdef","scenarios":null}"#)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.headers["content-type"], "application/json; charset=utf-8")
        XCTAssertNotNil(answer.body.range(
            of: #"^\{"code":200,"expire":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z","token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}"\}$"#,
            options: .regularExpression), answer.body)
        let first = try token("agent-ssh", "agentPassw0rd-abcdef")
        sleep(1)
        let second = try token("agent-ssh", "agentPassw0rd-abcdef")
        XCTAssertNotEqual(first, second)
        for token in [first, second] {
            let beat = try daemon.get("/v1/heartbeat", headers: ["Authorization": "Bearer \(token)"])
            XCTAssertEqual(beat.status, 200)
            XCTAssertEqual(beat.body, "")
            XCTAssertNil(beat.headers["content-type"])
        }
        XCTAssertEqual(try daemon.get("/v1/heartbeat?token=\(first)").status, 200)
        XCTAssertEqual(try daemon.get("/v1/heartbeat", headers: ["Cookie": "jwt=\(first)"]).status, 200)
        daemon.stop()
        try daemon.start()
        XCTAssertEqual(try daemon.get("/v1/heartbeat", headers: ["Authorization": "Bearer \(first)"]).status, 200)
        let secret = try FileManager.default.attributesOfItem(atPath: daemon.folder + "/machines.jwt-secret")
        XCTAssertEqual((secret[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testRegistrationWaitsForValidation_AndChangesNeedNoRestart() throws {
        try daemon.start()
        let register = { (body: String) in
            try RawHTTP.request("POST", "/v1/watchers", port: self.daemon.port, headers: ["User-Agent": Self.agentUA], body: body)
        }
        let created = try register(#"{"machine_id":"reg-machine","password":"regPassw0rd-0123456789"}"#)
        XCTAssertEqual(created.status, 201)
        XCTAssertEqual(created.body, "")
        let again = try register(#"{"machine_id":"reg-machine","password":"other"}"#)
        XCTAssertEqual(again.status, 403)
        XCTAssertEqual(again.body, #"{"message":"user 'reg-machine': user already exist"}"#)
        XCTAssertEqual(try register(#"{"password":"x"}"#).body, #"{"message":"validation failure list:\nmachine_id in body is required"}"#)
        let pending = try login(#"{"machine_id":"reg-machine","password":"regPassw0rd-0123456789"}"#)
        XCTAssertEqual(pending.body, #"{"code":401,"message":"machine reg-machine not validated"}"#)
        XCTAssertTrue(try daemon.cli("machines", "list").out.contains("pending"))
        XCTAssertEqual(try daemon.cli("machines", "validate", "reg-machine").status, 0)
        let accepted = try daemon.eventually { try self.login(#"{"machine_id":"reg-machine","password":"regPassw0rd-0123456789"}"#).status == 200 }
        XCTAssertTrue(accepted)
        let token = try token("reg-machine", "regPassw0rd-0123456789")
        XCTAssertEqual(try daemon.cli("machines", "delete", "reg-machine").status, 0)
        let refused = try daemon.eventually {
            try self.daemon.get("/v1/heartbeat", headers: ["Authorization": "Bearer \(token)"]).status == 401
        }
        XCTAssertTrue(refused)
    }

    func testListShowsVersionFromTheUserAgentAndTheHeartbeat() throws {
        try daemon.cli("machines", "add", "agent-ssh", "-p", "agentPassw0rd-abcdef")
        try daemon.start()
        let token = try token("agent-ssh", "agentPassw0rd-abcdef")
        XCTAssertEqual(try daemon.get("/v1/heartbeat", headers: ["Authorization": "Bearer \(token)"]).status, 200)
        // The daemon records sightings every 5 s.
        let listed = try daemon.eventually(within: 15) {
            let out = try self.daemon.cli("machines", "list", "-o", "raw").out
            return out.contains("agent-ssh,127.0.0.1,validated,v1.4.6-6~deb12u1+b1-linux-debian,") && !out.contains(",never,")
        }
        let out = try daemon.cli("machines", "list", "-o", "raw").out
        XCTAssertTrue(listed, out)
    }
}
