import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The machine routes in-process, as CrowdSec agents and `cscli` meet them: every login
/// refusal and every bad token with LAPI 1.4.6's exact answer (agent-wire captures).
/// Registration across `warden machines` and a restart stay in WardenDaemonTests.
final class MachineRouteTests: XCTestCase {
    static let agentUA = "crowdsec/v1.4.6-6~deb12u1+b1-linux-debian"

    func testEveryLoginRefusalHasLAPIsBody() async throws {
        let harness = try RouteHarness()
        let (name, password) = (RouteHarness.machine, RouteHarness.password)
        let cases: [(String, String, String)] = [
            (#"{"machine_id":"nosuch","password":"x","scenarios":[]}"#, Self.agentUA, "ent: machine not found"),
            (#"{"machine_id":"\#(name)","password":"wrong","scenarios":[]}"#, Self.agentUA, "incorrect Username or Password"),
            (#"{"machine_id":"\#(name)","password":"\#(password)","scenarios":["a/b"]}"#, "curl", "incorrect Username or Password"),
            (#"{"machine_id":"\#(name)"}"#, "warden-test/0.1", "input format error"),
            ("not json", "warden-test/0.1", "missing: invalid character 'o' in literal null (expecting 'u')"),
            (#"{"machine_id":7,"password":"x"}"#, Self.agentUA,
             "missing: json: cannot unmarshal number into Go struct field WatcherAuthRequest.machine_id of type string"),
        ]
        try await harness.application.test(.router) { client in
            for (body, agent, message) in cases {
                try await client.execute(
                    uri: "/v1/watchers/login", method: .post, headers: [.userAgent: agent, .contentType: "application/json"],
                    body: ByteBuffer(text: body)
                ) { answer in
                    XCTAssertEqual(answer.status, .unauthorized, body)
                    XCTAssertEqual(answer.text, #"{"code":401,"message":"\#(message)"}"#, body)
                    XCTAssertEqual(answer.headers[.wwwAuthenticate], "JWT realm=Crowdsec API local")
                    XCTAssertEqual(answer.headers[.contentType], "application/json; charset=utf-8")
                }
            }
        }
        _ = await harness.engine.shutdown()
    }

    func testMachineRoutesRefuseMissingAndBadTokensAsLAPIDoes() async throws {
        let harness = try RouteHarness()
        let cases: [(HTTPFields, String)] = [
            ([:], "cookie token is empty"),
            ([.authorization: "Basic abc"], "cookie token is empty"),
            ([.authorization: "Bearer abc.def.ghi"], "invalid character 'i' looking for beginning of value"),
            ([.authorization: "Bearer abc"], "token contains an invalid number of segments"),
            // Signed with another secret (LAPI's own token from the capture).
            ([.authorization: "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3OTU0ODI4MDYsImlkIjoiYWdlbnQtc3NoIiwib3JpZ19pYXQiOjE3OTU0NzkyMDZ9.hUs1is9AyFt6X0Mc_VKVEmxWcRkERtACbWXNHQuhE-k"],
             "signature is invalid"),
        ]
        try await harness.application.test(.router) { client in
            for (headers, message) in cases {
                try await client.execute(uri: "/v1/heartbeat", method: .get, headers: headers) { answer in
                    XCTAssertEqual(answer.status, .unauthorized, "\(headers)")
                    XCTAssertEqual(answer.text, #"{"code":401,"message":"\#(message)"}"#, "\(headers)")
                    XCTAssertEqual(answer.headers[.wwwAuthenticate], "JWT realm=Crowdsec API local")
                }
            }
            try await client.execute(
                uri: "/v1/alerts", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(text: "[]")
            ) { answer in
                XCTAssertEqual(answer.text, #"{"code":401,"message":"cookie token is empty"}"#)
            }
            let headers = try await RouteHarness.token(client)
            try await client.execute(uri: "/v1/heartbeat", method: .get, headers: headers) { answer in
                XCTAssertEqual(answer.status, .ok)
                XCTAssertEqual(answer.text, "")
            }
        }
        _ = await harness.engine.shutdown()
    }
}
