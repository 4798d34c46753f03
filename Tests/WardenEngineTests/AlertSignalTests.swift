@testable import WardenEngine
import WardenAlerts
import WardenModel
import XCTest

/// How an alert becomes the signal backends store, and how a pushed body is cut into alerts.
final class AlertSignalTests: XCTestCase {
    let now: Int64 = 1_795_478_788_000_000_000

    func testBansLastFromStopAtAndKeepTheDecisionAsGiven() throws {
        let alert = Alert(
            eventsCount: 6, labels: ["ssh"], message: "m", scenario: "crowdsecurity/ssh-bf",
            source: AlertSource(asName: "Example", asNumber: "64496", cn: "FR", ip: "192.0.2.10", scope: "Ip", value: "192.0.2.10"),
            startAt: "2026-11-24T00:06:14Z", stopAt: "2026-11-24T00:06:15Z")
        let decisions = [
            AlertDecision(duration: "4h", origin: "crowdsec", scenario: "crowdsecurity/ssh-bf", scope: "Ip", type: "ban", value: "192.0.2.10"),
            AlertDecision(duration: "1h", origin: "cscli-import", scenario: "r", scope: "Ip", type: "captcha", value: "203.0.113.5/30"),
            AlertDecision(duration: "1h", origin: "cscli", scenario: "u", scope: "Username", type: "ban", value: "root"),
        ]
        let (signal, skipped, _) = try AlertSignal.make(alert: alert, decisions: decisions, now: now)
        let stop = try XCTUnwrap(Timestamp.parse("2026-11-24T00:06:15Z"))
        XCTAssertEqual(signal.bans, [
            BanOrder(target: try BanTarget.parseIP("192.0.2.10"), untilNs: stop + 4 * 3_600_000_000_000, reason: "crowdsecurity/ssh-bf",
                     scenario: "crowdsecurity/ssh-bf", action: "ban", origin: "crowdsec", country: "FR", asName: "Example", asNumber: 64496),
            BanOrder(target: try BanTarget.parseRange("203.0.113.4/30"), untilNs: stop + 3_600_000_000_000, reason: "r",
                     scenario: "r", action: "captcha", origin: "cscli-import", country: "FR", asName: "Example", asNumber: 64496),
        ])
        XCTAssertEqual(skipped, [decisions[2]])
        XCTAssertEqual(signal.startNs, try XCTUnwrap(Timestamp.parse("2026-11-24T00:06:14Z")))
        XCTAssertEqual(signal.source, "192.0.2.10")
        XCTAssertEqual(signal.eventsCount, 6)
        // The alert's own labels, and what LAPI shows of it that a signal has no member for.
        XCTAssertEqual(signal.labels, [
            "ssh": "", "lapi/source_scope": "Ip", "lapi/source_value": "192.0.2.10", "lapi/source_ip": "192.0.2.10",
            "lapi/source_as_name": "Example", "lapi/source_as_number": "64496", "lapi/source_cn": "FR",
            // The CIDR sent as `Ip` is a range: the scopes as sent are kept, in ban order.
            "lapi/decision_scopes": "Ip,Ip",
        ])
    }

    func testEventsKeepTheirMetaAsLAPISerializesIt() throws {
        let alert = Alert(events: [AlertEvent(meta: [MetaItem(key: "source_ip", value: "192.0.2.10"), MetaItem(key: "user", value: "a\"b")], timestamp: "bad")],
                          source: AlertSource(scope: "cscli/manual-import", value: ""))
        let (signal, _, _) = try AlertSignal.make(alert: alert, decisions: [], now: now)
        XCTAssertEqual(signal.events, [SignalOrder.Event(
            timeNs: now, source: "192.0.2.10", serialized: #"[{"key":"source_ip","value":"192.0.2.10"},{"key":"user","value":"a\"b"}]"#)])
        XCTAssertEqual(signal.stopNs, now)
        XCTAssertEqual(signal.source, "")
    }

    func testRefusalsInLAPIsWords() {
        let cases: [(AlertDecision, String)] = [
            (AlertDecision(duration: "4x", scope: "Ip", value: "192.0.2.1"),
             #"decision duration '4x' : time: invalid duration "4x": unable to parse duration"#),
            (AlertDecision(duration: "10", scope: "Ip", value: "192.0.2.1"),
             #"decision duration '10' : time: missing unit in duration "10": unable to parse duration"#),
            (AlertDecision(duration: "1h", scope: "ip", value: "192.0.2.300"),
             "invalid addr/range 192.0.2.300 : invalid address: unable to parse duration"),
            (AlertDecision(duration: "1h", scope: "Range", value: "192.0.2.0/33"),
             "invalid addr/range 192.0.2.0/33 : while parsing range 192.0.2.0/33: invalid CIDR address: 192.0.2.0/33: unable to parse duration"),
        ]
        for (decision, message) in cases {
            XCTAssertThrowsError(try AlertSignal.make(alert: Alert(), decisions: [decision], now: now)) {
                XCTAssertEqual(($0 as? AlertSignal.Refusal)?.message, message)
            }
        }
    }
}
