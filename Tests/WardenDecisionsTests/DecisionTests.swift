import WardenDecisions
import WardenModel
import XCTest

final class DecisionTests: XCTestCase {
    /// The whole origin mapping, pinned (see DecisionOrigin for the reasons).
    func testOriginNamesAreLAPIs() {
        let mapping = [
            "cli": "cscli", "local": "crowdsec", "crowdsec": "crowdsec", "api": "CAPI",
            "cscli-import": "cscli-import", "lists": "lists", "CAPI": "CAPI", "": "",
        ]
        for (warden, lapi) in mapping {
            XCTAssertEqual(DecisionOrigin.lapiName(forWardenOrigin: warden), lapi, warden)
        }
    }

    func testMadeFromABan() throws {
        let ban = Ban(
            id: 42, scope: "Range", target: "2001:db8::/32", origin: "local", action: "captcha", reason: "r",
            scenario: "crowdsecurity/ssh-bf", untilNs: 9 * second, createdNs: 2 * second, banCount: 1, eventsCount: 3,
            backend: "sqlite")
        let d = try Decision(ban)
        XCTAssertEqual(
            [d.value, d.scope, d.origin, d.type, d.scenario],
            ["2001:db8::/32", "Range", "crowdsec", "captcha", "crowdsecurity/ssh-bf"])
        XCTAssertEqual([d.id, d.untilNs], [42, 9 * second])
        XCTAssertEqual(d.target, .range(network: address("2001:db8::"), prefixLength: 32))
        XCTAssertEqual(try Decision(ban: "192.0.2.1").scope, "Ip")
    }

    func testABanWhoseTargetDoesNotParseIsRefused() {
        XCTAssertThrowsError(try Decision(ban: "192.0.2.300")) { error in
            XCTAssertEqual(
                "\(error)",
                "ban 7 from backend 'mysql' cannot be served: its target '192.0.2.300' is not an address or a "
                    + "CIDR block; remove that row from the backend's storage")
        }
    }
}

extension Decision {
    /// A decision made from a ban of `target` with id 7 from backend `mysql`.
    init(ban target: String) throws {
        try self.init(
            Ban(
                id: 7, scope: "Ip", target: target, origin: "cli", action: "ban", reason: "", scenario: "s",
                untilNs: 1, createdNs: 0, banCount: 1, eventsCount: 1, backend: "mysql"))
    }
}
