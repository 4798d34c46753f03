import XCTest

@testable import WardenNotify

final class EnvironmentExpansionTests: XCTestCase {
    private let environment = ["HOOK": "https://example.invalid/x", "TOKEN": "s3cret"]

    func testBracedVariablesAreReplaced() throws {
        let text = try EnvironmentExpansion.expand("url: ${HOOK}\ntoken: ${TOKEN}${TOKEN}\n") { environment[$0] }
        XCTAssertEqual(text, "url: https://example.invalid/x\ntoken: s3crets3cret\n")
    }

    func testBareDollarsStayAsWritten() throws {
        let text = try EnvironmentExpansion.expand("password: pa$$word $HOOK ${not a name} ${") { environment[$0] }
        XCTAssertEqual(text, "password: pa$$word $HOOK ${not a name} ${")
    }

    func testAnUnsetVariableIsReportedWithItsLine() {
        XCTAssertThrowsError(try EnvironmentExpansion.expand("a: 1\nb: ${HOOK}\nc: ${MISSING}\n") { environment[$0] }) {
            XCTAssertEqual($0 as? EnvironmentExpansion.UnsetVariable, .init(name: "MISSING", line: 3))
        }
    }

    /// A commented-out line keeps an unset variable as written; a set one is still replaced.
    func testAnUnsetVariableOnACommentLineStays() throws {
        let text = try EnvironmentExpansion.expand("a: ${HOOK}\n  # b: ${MISSING}\n# ${HOOK}\n") { environment[$0] }
        XCTAssertEqual(text, "a: https://example.invalid/x\n  # b: ${MISSING}\n# https://example.invalid/x\n")
        XCTAssertThrowsError(try EnvironmentExpansion.expand("a: x # ${MISSING}\n") { environment[$0] }) {
            XCTAssertEqual($0 as? EnvironmentExpansion.UnsetVariable, .init(name: "MISSING", line: 1), "a comment after a value is not a comment line")
        }
    }
}
