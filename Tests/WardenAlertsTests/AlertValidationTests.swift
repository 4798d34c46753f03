import Foundation
import WardenAlerts
import XCTest

/// `POST /v1/alerts` validation answers, pinned against CrowdSec 1.4.6.
final class AlertValidationTests: XCTestCase {
    private func failure(_ text: String) throws -> String? {
        AlertValidation.failure(of: try JSONDecoder().decode([Alert].self, from: Data(text.utf8)))
    }

    /// Captured verbatim from the 1.4.6 LAPI (`lapi-auth-answers.txt`).
    func testEveryMissingFieldOfTheFirstAlertInFieldOrder() throws {
        XCTAssertEqual(
            try failure(#"[{"scenario":"x"}]"#),
            "validation failure list:\n0.capacity in body is required\n0.events in body is required\n0.events_count in body is required\n0.leakspeed in body is required\n0.message in body is required\n0.scenario_hash in body is required\n0.scenario_version in body is required\n0.simulated in body is required\n0.source in body is required\n0.start_at in body is required\n0.stop_at in body is required")
    }

    func testNestedFailuresRepeatTheListHeaderAndNameTheirPath() throws {
        let good = AlertCodingTests.cscliAddIP.dropFirst().dropLast()
        let broken = #"{"capacity":0,"decisions":[{"duration":"4h","origin":"x","scenario":"s","scope":"Ip","type":"ban","value":"1.2.3.4"},{"origin":"x"}],"events":[{"meta":[]}],"events_count":1,"leakspeed":"0","message":"","scenario":"s","scenario_hash":"","scenario_version":"","simulated":false,"source":{"value":"1.2.3.4"},"start_at":"","stop_at":""}"#
        XCTAssertEqual(
            try failure("[\(good),\(broken)]"),
            "validation failure list:\nvalidation failure list:\n1.decisions.1.duration in body is required\n1.decisions.1.scenario in body is required\n1.decisions.1.scope in body is required\n1.decisions.1.type in body is required\n1.decisions.1.value in body is required\nvalidation failure list:\n1.events.0.timestamp in body is required\nvalidation failure list:\n1.source.scope in body is required")
    }

    func testAnEmptyBatchAndEmptyEventsPass() throws {
        XCTAssertNil(try failure("[]"))
        XCTAssertNil(try failure(AlertCodingTests.cscliAddIP))
    }
}
