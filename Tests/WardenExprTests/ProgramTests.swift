import WardenExpr
import XCTest

/// The public surface: compile once, run many times, errors as expr prints them.
final class ProgramTests: XCTestCase {
    let environment = Environment(
        variables: ["n": .intType, "name": .string],
        functions: CrowdSecHelpers.functions(now: { "2026-11-24T04:00:00Z" }))

    func testCompiledProgramRunsWithEachRunsValues() throws {
        let program = try Program("name + '/' + Sprintf('%d', n * 2)", environment: environment)
        XCTAssertEqual(program.type, .string)
        for (n, name) in [(1, "a"), (21, "b")] {
            guard case .string(let text) = try program.run(["n": .int(n), "name": .string(name)]) else {
                return XCTFail("not a string")
            }
            XCTAssertEqual(text, "\(name)/\(n * 2)")
        }
    }

    func testSyntaxErrorPrintsPositionAndCaretAsExprDoes() {
        XCTAssertThrowsError(try Program("1 +", environment: environment)) { error in
            let error = error as! ExprError
            XCTAssertEqual(error.phase, .compile)
            XCTAssertEqual(error.summary, "unexpected token EOF (1:3)")
            XCTAssertEqual(error.description, "unexpected token EOF (1:3)\n | 1 +\n | ..^")
        }
    }

    func testUnknownNamesAreFoundAtCompileTime() {
        XCTAssertThrowsError(try Program("n > 1 && nme == 'x'", environment: environment)) { error in
            XCTAssertEqual((error as! ExprError).summary, "unknown name nme (1:10)")
        }
        XCTAssertThrowsError(try Program("Uper(name)", environment: environment)) { error in
            XCTAssertEqual((error as! ExprError).summary, "unknown func Uper (1:1)")
        }
    }

    func testRunTimeErrorsCarryTheFailingPosition() throws {
        let program = try Program("n / (n - n)", environment: environment)
        XCTAssertThrowsError(try program.run(["n": .int(3)])) { error in
            let error = error as! ExprError
            XCTAssertEqual(error.phase, .run)
            XCTAssertEqual(error.summary, "runtime error: integer divide by zero (1:3)")
        }
    }

    /// Found by Fuzz/ (fuzz-expr): a width or precision too long for Int overflowed
    /// ("arithmetic overflow") in Sprintf. Go's fmt gives up on a number past 1e6 and
    /// writes %!(NOVERB) for the rest of the format.
    func testSprintfWithAWidthPastAMillionIsNoVerbAsInGo() throws {
        for format in ["%99999999999999999999d", "%8.38888888888888888888f", "%100000000d"] {
            let program = try Program("Sprintf('\(format)', n)", environment: environment)
            guard case .string(let text) = try program.run(["n": .int(1)]) else { return XCTFail("not a string") }
            XCTAssertEqual(text, "%!(NOVERB)%!(EXTRA int=1)", format)
        }
        guard case .string(let text) = try Program("Sprintf('%1000000d|', n)", environment: environment).run(["n": .int(1)])
        else { return XCTFail("not a string") }
        XCTAssertEqual(text.utf8.count, 1_000_001)
    }

    /// Found by Fuzz/ (fuzz-expr): 600 unary minuses overflowed the evaluator's stack in the
    /// fuzz build, and deeper nesting or a long chain of operators the parser's or the
    /// checker's; an expression deeper than 200 levels is refused when it compiles.
    func testExpressionsDeeperThanTwoHundredLevelsAreRefusedNotAStackOverflow() throws {
        for source in [
            String(repeating: "-", count: 100_000) + "1",
            String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
            "1" + String(repeating: "+1", count: 100_000),
            String(repeating: "!", count: 100_000) + "true",
        ] {
            XCTAssertThrowsError(try Program(source, environment: environment)) { error in
                let summary = (error as! ExprError).summary
                XCTAssertTrue(summary.hasPrefix("expression too deep: more than 200 levels ("), summary)
            }
        }
        let deepEnough = try Program("n" + String(repeating: " + n", count: 198), environment: environment)
        guard case .int(let sum, _) = try deepEnough.run(["n": .int(2)]) else { return XCTFail("not an int") }
        XCTAssertEqual(sum, 398)
    }

    func testTimeNowAnswersFromTheHostsClock() throws {
        guard case .string(let now) = try Program("TimeNow()", environment: environment).run([:]) else {
            return XCTFail("not a string")
        }
        XCTAssertEqual(now, "2026-11-24T04:00:00Z")
    }
}
