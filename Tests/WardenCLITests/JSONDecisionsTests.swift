import XCTest

@testable import WardenCLI

/// The JSON reader of `warden ban import`, on its own.
final class JSONDecisionsTests: XCTestCase {
    /// Found by Fuzz/ (fuzz-import-json): 1 535 `[` overflowed the stack of the recursive
    /// reader (a crash of `warden ban import`); past 1 000 levels it is an error.
    func testNestingPastAThousandLevelsIsAnErrorNotAStackOverflow() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        XCTAssertThrowsError(try JSONDecisions.read(deep, file: "deep.json")) { error in
            XCTAssertEqual("\(error)", "deep.json:1: invalid JSON: arrays and objects nest more than 1000 deep")
        }
        // 1 000 levels inside the file's array still read: the element is reported, not the file.
        let text = "[" + String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000) + "]"
        let file = try JSONDecisions.read(Array(text.utf8), file: "deep.json")
        XCTAssertEqual(file.rows, [])
        XCTAssertEqual(file.problems, [RowProblem(line: 1, message: "an element of the array is an array, not an object")])
    }
}
