import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import WardenAllowlist
import WardenEngine
import WardenModel
import WardenStore
import XCTest

/// The Local API's routes in-process (HummingbirdTesting's router client), over a real
/// engine: wire shapes, auth, and the engine's errors as LAPI answers them. What only a
/// process shows (signals, files, plugins) stays in WardenDaemonTests.
final class LocalAPIRouteTests: XCTestCase {
    func testHealthAndUnknownPaths() async throws {
        let harness = try RouteHarness()
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.text, #"{"status":"up"}"#)
                XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
            }
            try await client.execute(uri: "/v1/nothing", method: .get) { response in
                XCTAssertEqual(response.status, .notFound)
                XCTAssertEqual(response.text, "")
            }
        }
        _ = await harness.engine.shutdown()
    }

    func testBouncerRoutesNeedAKeyAndServeWhatTheEngineBanned() async throws {
        let harness = try RouteHarness()
        try await RouteHarness.ban(harness, "192.0.2.7")
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/decisions?ip=192.0.2.7", method: .get) { response in
                XCTAssertEqual(response.status, .forbidden)
                XCTAssertEqual(response.text, #"{"message":"access forbidden"}"#)
            }
            try await client.execute(uri: "/v1/decisions?ip=192.0.2.7", method: .get, headers: RouteHarness.bouncerHeaders) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertTrue(response.text.contains(#""origin":"cscli""#), response.text)
                XCTAssertTrue(response.text.contains(#""scenario":"route test""#), response.text)
                XCTAssertTrue(response.text.contains(#""value":"192.0.2.7""#), response.text)
            }
            try await client.execute(uri: "/v1/decisions?ip=192.0.2.8", method: .get, headers: RouteHarness.bouncerHeaders) { response in
                XCTAssertEqual(response.text, "null")
            }
        }
        _ = await harness.engine.shutdown()
    }

    /// A write through the engine reaches the book before it returns: a stream bouncer's
    /// next pull has it, and the delete after it.
    func testTheStreamFollowsTheEnginesWritesAtOnce() async throws {
        let harness = try RouteHarness()
        try await harness.application.test(.router) { client in
            try await client.execute(uri: "/v1/decisions/stream?startup=true", method: .get, headers: RouteHarness.bouncerHeaders) {
                XCTAssertEqual($0.text, #"{"deleted":null,"new":null}"#)
            }
            try await RouteHarness.ban(harness, "192.0.2.9")
            try await client.execute(uri: "/v1/decisions/stream", method: .get, headers: RouteHarness.bouncerHeaders) {
                XCTAssertTrue($0.text.hasPrefix(#"{"deleted":null,"new":[{"#), $0.text)
                XCTAssertTrue($0.text.contains(#""value":"192.0.2.9""#), $0.text)
            }
            _ = try await harness.engine.delete(target: try .parseIP("192.0.2.9"))
            try await client.execute(uri: "/v1/decisions/stream", method: .get, headers: RouteHarness.bouncerHeaders) {
                XCTAssertTrue($0.text.hasPrefix(#"{"deleted":[{"#), $0.text)
                XCTAssertTrue($0.text.hasSuffix(#""new":null}"#), $0.text)
            }
        }
        _ = await harness.engine.shutdown()
    }

    /// The engine's refusal of a filter is LAPI's 500 with its message.
    func testAnEngineRefusalIsLAPIs500() async throws {
        let harness = try RouteHarness()
        try await harness.application.test(.router) { client in
            let headers = try await RouteHarness.token(client)
            try await client.execute(uri: "/v1/alerts?bogus=1", method: .get, headers: headers) { response in
                XCTAssertEqual(response.status, .internalServerError)
                XCTAssertEqual(response.text, #"{"message":"Filter parameter 'bogus' is unknown (=1): invalid filter"}"#)
            }
            try await client.execute(uri: "/v1/decisions?bogus=1", method: .delete, headers: headers) { response in
                XCTAssertEqual(response.status, .internalServerError)
                XCTAssertEqual(response.text, #"{"message":"'bogus' doesn't exist: invalid filter"}"#)
            }
        }
        _ = await harness.engine.shutdown()
    }

    /// An agent's alert goes through the engine's rules: the default profile bans its
    /// source, but never an allowlisted one (loopback by default); both alerts are answered.
    func testAlertsGetTheEnginesRules() async throws {
        let harness = try RouteHarness()
        @Sendable func alert(_ source: String) -> String {
            #"{"capacity":5,"events":[],"events_count":6,"leakspeed":"10s","message":"m","remediation":true,"scenario":"crowdsecurity/ssh-bf","scenario_hash":"","scenario_version":"","simulated":false,"source":{"scope":"Ip","value":"\#(source)"},"start_at":"","stop_at":""}"#
        }
        try await harness.application.test(.router) { client in
            let headers = try await RouteHarness.token(client)
            let body = "[" + alert("192.0.2.50") + "," + alert("127.0.0.1") + "]"
            try await client.execute(uri: "/v1/alerts", method: .post, headers: headers, body: ByteBuffer(text: body)) {
                XCTAssertEqual($0.status, .created, $0.text)
                XCTAssertEqual($0.text, #"["1","0"]"#, "an alert that bans nothing is not stored: id 0")
            }
            try await client.execute(uri: "/v1/decisions/stream?startup=true", method: .get, headers: RouteHarness.bouncerHeaders) {
                XCTAssertTrue($0.text.contains(#""value":"192.0.2.50""#), $0.text)
                XCTAssertFalse($0.text.contains("127.0.0.1"), $0.text)
            }
        }
        _ = await harness.engine.shutdown()
    }

    /// A stream answer goes gzip to a client that accepts it (every real bouncer asks),
    /// plain to one that does not or refuses it, and a small one always plain.
    func testTheStreamIsGzipWhenTheClientAcceptsIt() async throws {
        @Sendable func accepting(_ codings: String) -> HTTPFields {
            var headers = RouteHarness.bouncerHeaders
            headers[.acceptEncoding] = codings
            return headers
        }
        let harness = try RouteHarness()
        try await harness.application.test(.router) { client in
            let small = accepting("gzip")
            try await client.execute(uri: "/v1/decisions/stream?startup=true", method: .get, headers: small) {
                XCTAssertNil($0.headers[.contentEncoding], "a 28-byte body is not worth compressing")
                XCTAssertEqual($0.text, #"{"deleted":null,"new":null}"#)
            }
            for address in 1...20 { try await RouteHarness.ban(harness, "192.0.2.\(address)") }
            let plain = try await client.execute(
                uri: "/v1/decisions/stream?startup=true", method: .get, headers: RouteHarness.bouncerHeaders)
            XCTAssertNil(plain.headers[.contentEncoding])
            XCTAssertEqual(plain.headers[.vary], "Accept-Encoding")
            XCTAssertTrue(plain.text.contains(#""value":"192.0.2.20""#), plain.text)
            for accepted in ["gzip", "deflate, gzip;q=0.5", "br, *", "x-gzip"] {
                let answer = try await client.execute(
                    uri: "/v1/decisions/stream?startup=true", method: .get,
                    headers: accepting(accepted))
                XCTAssertEqual(answer.headers[.contentEncoding], "gzip", accepted)
                XCTAssertEqual(answer.headers[.vary], "Accept-Encoding")
                var body = answer.body
                XCTAssertLessThan(body.readableBytes, plain.body.readableBytes / 4, accepted)
                let inflated = try body.decompress(with: .gzip())
                XCTAssertEqual(String(buffer: inflated), plain.text, "the same answer, shared and compressed: \(accepted)")
            }
            for refused in ["gzip;q=0", "identity", "*;q=0", "gzip;q=0, *", "deflate"] {
                let answer = try await client.execute(
                    uri: "/v1/decisions/stream?startup=true", method: .get,
                    headers: accepting(refused))
                XCTAssertNil(answer.headers[.contentEncoding], refused)
                XCTAssertEqual(answer.text, plain.text, refused)
            }
            let live = try await client.execute(
                uri: "/v1/decisions", method: .get, headers: accepting("gzip"))
            XCTAssertEqual(live.headers[.contentEncoding], "gzip", "GET /v1/decisions compresses as the stream does")
        }
        _ = await harness.engine.shutdown()
    }
}
