@testable import WardenAPI
import XCTest

/// How `POST /v1/alerts` cuts its body into the alerts' own bytes (their content keys).
final class AlertBodyTests: XCTestCase {
    func testABodyIsCutIntoItsElementsAsSent() {
        let body = Array(#" [ {"a":"x,]}"} ,{"b":[1,{"c":2}]}, null ]"#.utf8)
        XCTAssertEqual(AlertBody.arrayElements(body)?.map { String(decoding: $0, as: UTF8.self) },
                       [#"{"a":"x,]}"}"#, #"{"b":[1,{"c":2}]}"#, "null"])
        XCTAssertEqual(AlertBody.arrayElements(Array("[]".utf8))?.count, 0)
        XCTAssertNil(AlertBody.arrayElements(Array("{}".utf8)))
    }
}
