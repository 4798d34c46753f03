import Foundation
import WardenAlerts
import XCTest

/// Alerts decode from what CrowdSec 1.4.6's agent and `cscli` send, and encode back as Go writes them.
final class AlertCodingTests: XCTestCase {
    /// `cscli decisions add --ip 198.51.100.7`, verbatim (agent-wire capture).
    static let cscliAddIP = #"[{"capacity":0,"created_at":"2026-11-24T00:07:21Z","decisions":[{"duration":"4h","origin":"cscli","scenario":"manual 'ban' from 'cscli-lapi'","scope":"Ip","type":"ban","value":"198.51.100.7"}],"events":[],"events_count":1,"labels":null,"leakspeed":"0","message":"manual 'ban' from 'cscli-lapi'","scenario":"manual 'ban' from 'cscli-lapi'","scenario_hash":"","scenario_version":"","simulated":false,"source":{"ip":"198.51.100.7","scope":"Ip","value":"198.51.100.7"},"start_at":"2026-11-24T00:07:21Z","stop_at":"2026-11-24T00:07:21Z"}]"#

    /// One agent alert of the capture, cut to two events.
    static let agentAlert = #"[{"capacity":5,"decisions":null,"events":[{"meta":[{"key":"service","value":"ssh"},{"key":"source_ip","value":"192.0.2.10"},{"key":"target_user","value":"admin"}],"timestamp":"2026-11-24T00:06:14Z"},{"meta":[{"key":"service","value":"ssh"},{"key":"source_ip","value":"192.0.2.10"},{"key":"target_user","value":"pi"}],"timestamp":"2026-11-24T00:06:15Z"}],"events_count":6,"labels":null,"leakspeed":"10s","message":"Ip 192.0.2.10 performed 'crowdsecurity/ssh-bf' (6 events over 1s) at 2026-11-24 00:06:15 +0000 UTC","remediation":true,"scenario":"crowdsecurity/ssh-bf","scenario_hash":"4441dcff07020f6690d998b7101e642359ba405c2abb83565bbbdcee36de280f","scenario_version":"0.1","simulated":false,"source":{"ip":"192.0.2.10","scope":"Ip","value":"192.0.2.10"},"start_at":"2026-11-24T00:06:14Z","stop_at":"2026-11-24T00:06:15Z"}]"#

    private func decode(_ text: String) throws -> [Alert] {
        try JSONDecoder().decode([Alert].self, from: Data(text.utf8))
    }

    private func encode(_ alerts: [Alert]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(alerts), as: UTF8.self)
    }

    func testCscliDecisionAddDecodesFieldForField() throws {
        let alert = try XCTUnwrap(decode(Self.cscliAddIP).first)
        XCTAssertEqual(alert.capacity, 0)
        XCTAssertEqual(alert.createdAt, "2026-11-24T00:07:21Z")
        XCTAssertEqual(alert.events, [])
        XCTAssertEqual(alert.leakspeed, "0")
        XCTAssertEqual(alert.scenarioHash, "")
        XCTAssertEqual(alert.source, AlertSource(ip: "198.51.100.7", scope: "Ip", value: "198.51.100.7"))
        XCTAssertEqual(
            alert.decisions,
            [AlertDecision(duration: "4h", origin: "cscli", scenario: "manual 'ban' from 'cscli-lapi'", scope: "Ip", type: "ban", value: "198.51.100.7")])
        XCTAssertFalse(alert.remediation)
        XCTAssertNil(AlertValidation.failure(of: [alert]))
    }

    func testAgentAlertRoundTripsByteForByte() throws {
        let alerts = try decode(Self.agentAlert)
        XCTAssertEqual(alerts.first?.events?.last?.meta?.last, MetaItem(key: "target_user", value: "pi"))
        XCTAssertTrue(alerts.first?.remediation ?? false)
        XCTAssertNil(alerts.first?.decisions)
        XCTAssertEqual(try encode(alerts), Self.agentAlert)
    }

    func testCscliRoundTripsByteForByte() throws {
        XCTAssertEqual(try encode(decode(Self.cscliAddIP)), Self.cscliAddIP)
    }

    func testGeoIPFieldsAndReadBackFieldsEncodeWhenSet() throws {
        var alert = try XCTUnwrap(decode(Self.cscliAddIP).first)
        alert.id = 9
        alert.machineID = "cscli-lapi"
        alert.source?.cn = "FR"
        alert.source?.asNumber = "64496"
        alert.decisions?[0].id = 3
        let text = try encode([alert])
        XCTAssertTrue(text.contains(#""id":3,"origin":"cscli""#), text)
        XCTAssertTrue(text.contains(#""id":9,"labels":null"#), text)
        XCTAssertTrue(text.contains(#""machine_id":"cscli-lapi""#), text)
        XCTAssertTrue(text.contains(#""source":{"as_number":"64496","cn":"FR","ip":"198.51.100.7","scope":"Ip""#), text)
    }
}
