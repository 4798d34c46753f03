import XCTest

@testable import WardenCLI

/// The CSV reader of `warden ban import`, on its own.
final class CSVDecisionsTests: XCTestCase {
    /// Found by Fuzz/ (fuzz-import-csv): a comma at the very end of the file read past the
    /// last byte ("Index out of range"); it ends the record with an empty last field.
    func testACommaAtTheEndOfTheFileEndsTheRecordWithAnEmptyField() throws {
        let file = try CSVDecisions.read(Array("value,reason\n192.0.2.7,".utf8), file: "bans.csv")
        XCTAssertEqual(file.rows, [DecisionRow(line: 2, value: "192.0.2.7")])
        XCTAssertEqual(file.problems, [])

        let extra = try CSVDecisions.read(Array("value\n192.0.2.7,".utf8), file: "bans.csv")
        XCTAssertEqual(extra.rows, [])
        XCTAssertEqual(extra.problems, [RowProblem(line: 2, message: "2 fields, but the header names 1 columns")])
    }
}
