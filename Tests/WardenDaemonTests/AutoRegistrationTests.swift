import Foundation
import XCTest

/// `api.server.auto_registration` (CrowdSec 1.6.3): a registration with the token, from an
/// allowed range, is validated at once (202); a wrong token or address is LAPI's 401; no
/// token registers pending (201), as without the feature.
final class AutoRegistrationTests: XCTestCase {
    private let token = "fleet-token-0123456789abcdef0123456789"

    private func register(_ daemon: DaemonHarness, _ name: String, token: String?, from source: String? = nil) throws -> RawResponse {
        let field = token.map { #","registration_token":"\#($0)""# } ?? ""
        return try RawHTTP.request(
            "POST", "/v1/watchers", port: daemon.port, headers: ["User-Agent": MachinesAPITests.agentUA],
            body: #"{"machine_id":"\#(name)","password":"p4ssword-of-\#(name)"\#(field)}"#, from: source)
    }

    func testTheTokenValidatesARegistrationFromAnAllowedRange() throws {
        let daemon = try DaemonHarness(apiServer: """
            auto_registration:
              enabled: true
              token: \(token)
              allowed_ranges: [127.0.0.1/32]
            """)
        try daemon.start()
        let accepted = try register(daemon, "fleet-1", token: token)
        XCTAssertEqual(accepted.status, 202)
        XCTAssertEqual(accepted.body, "")
        XCTAssertEqual(try daemon.machineHeaders("fleet-1", password: "p4ssword-of-fleet-1").isEmpty, false, "it logs in at once")

        let pending = try register(daemon, "manual-1", token: nil)
        XCTAssertEqual(pending.status, 201)
        XCTAssertTrue(try daemon.cli("machines", "list", "-o", "raw").out.contains("manual-1,,pending,"))

        let wrong = try register(daemon, "fleet-2", token: String(token.reversed()))
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(wrong.body, #"{"message":"invalid token for auto registration"}"#)
        let outside = try register(daemon, "fleet-3", token: token, from: "127.0.0.2")
        XCTAssertEqual(outside.status, 401)
        XCTAssertEqual(outside.body, #"{"message":"IP not in allowed range for auto registration"}"#)
        let listed = try daemon.cli("machines", "list", "-o", "raw").out
        XCTAssertFalse(listed.contains("fleet-2") || listed.contains("fleet-3"), listed)
        XCTAssertTrue(daemon.daemonLog.contains("auto-registration of machine 'fleet-2' from 127.0.0.1 refused: invalid token"))
    }

    func testWithoutTheFeatureATokenChangesNothing() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        XCTAssertEqual(try register(daemon, "fleet-1", token: token).status, 201)
        XCTAssertTrue(try daemon.cli("machines", "list", "-o", "raw").out.contains("fleet-1,,pending,"))
        let typed = try RawHTTP.request(
            "POST", "/v1/watchers", port: daemon.port, body: #"{"machine_id":"x","password":"y","registration_token":7}"#)
        XCTAssertEqual(typed.status, 400)
        XCTAssertEqual(typed.body,
            #"{"message":"json: cannot unmarshal number into Go struct field WatcherRegistrationRequest.registration_token of type string"}"#)
    }
}
