import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// The allowlist routes cscli 1.6.9+ calls before it sends decisions, answered in-process
/// from the file's named lists (entries in force only). The file's reload while the daemon
/// runs stays in WardenDaemonTests (AllowlistReloadTests).
final class AllowlistRouteTests: XCTestCase {
    func testAllowlistRoutesAnswerFromTheNamedLists() async throws {
        let harness = try RouteHarness(allowlist: """
            127.0.0.0/8\tloopback
            192.0.2.99\texpires=2020-01-01T00:00:00Z\tlong gone

            [office] the office networks
            203.0.113.0/24\tLAN
            2001:db8:aa::/48\texpires=2099-01-01T00:00:00Z\tVPN until the move
            """)
        try await harness.application.test(.router) { client in
            let bearer = try await RouteHarness.token(client)
            func get(_ uri: String, _ method: HTTPRequest.Method = .get, body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer, body: body.map { ByteBuffer(text: $0) })
            }
            var answer = try await get("/v1/allowlists?with_content=true")
            XCTAssertEqual(
                answer.text,
                #"[{"description":"","items":[{"description":"loopback","value":"127.0.0.0/8"}],"name":"default"},"#
                    + #"{"description":"the office networks","items":[{"description":"LAN","value":"203.0.113.0/24"},"#
                    + #"{"description":"VPN until the move","expiration":"2099-01-01T00:00:00Z","value":"2001:db8:aa::/48"}],"name":"office"}]"#)
            answer = try await get("/v1/allowlists/office")
            XCTAssertEqual(answer.text, #"{"description":"the office networks","items":[],"name":"office"}"#)
            answer = try await get("/v1/allowlists/lab")
            XCTAssertEqual(answer.status, .notFound)
            XCTAssertEqual(answer.text, #"{"message":"allowlist 'lab' not found"}"#)
            answer = try await get("/v1/allowlists/check/203.0.113.7")
            XCTAssertEqual(answer.text, #"{"allowlisted":true,"reason":"203.0.113.0/24 from office (LAN)"}"#)
            answer = try await get("/v1/allowlists/check/192.0.2.99")
            XCTAssertEqual(answer.text, "{}", "an expired entry no longer applies")
            answer = try await get("/v1/allowlists/check/203.0.113.7", .head)
            XCTAssertEqual(answer.status, .ok)
            answer = try await get("/v1/allowlists/check/198.51.100.1", .head)
            XCTAssertEqual(answer.status, .noContent)
            answer = try await get(
                "/v1/allowlists/check", .post, body: #"{"targets":["198.51.100.1","203.0.113.9","0.0.0.0/0"]}"#)
            XCTAssertEqual(
                answer.text,
                #"{"results":[{"allowlists":["203.0.113.0/24 from office (LAN)"],"target":"203.0.113.9"},"#
                    + #"{"allowlists":["127.0.0.0/8 from default (loopback)","203.0.113.0/24 from office (LAN)"],"target":"0.0.0.0/0"}]}"#)
            answer = try await get("/v1/allowlists/check", .post, body: #"{"targets":[]}"#)
            XCTAssertEqual(answer.status, .badRequest)
            XCTAssertEqual(answer.text, #"{"message":"targets list cannot be empty"}"#)
            let unauthenticated = try await client.execute(uri: "/v1/allowlists", method: .get)
            XCTAssertEqual(unauthenticated.status, .unauthorized, "a machine token is needed")
        }
        _ = await harness.engine.shutdown()
    }
}
