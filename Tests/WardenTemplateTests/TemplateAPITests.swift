import WardenTemplate
import XCTest

/// What Go cannot be asked about: the Swift API, the line and column of a parse
/// failure, and the messages Warden adds (exact texts pinned).
final class TemplateAPITests: XCTestCase {
    func testParseErrorsCarryLineAndColumn() {
        XCTAssertThrowsError(try Template("line one\n  {{ foo . }}")) { error in
            let error = error as! TemplateError
            XCTAssertEqual(error.description, "template: :2: function \"foo\" not defined")
            XCTAssertEqual(error.line, 2)
            XCTAssertEqual(error.column, 6)
        }
    }

    /// Found with Fuzz/ (fuzz-template on deep inputs): 5 000 parentheses or 3 000 nested
    /// {{if}} overflowed the stack of the recursive parser; past 200 levels it is a parse error.
    func testNestingPastTwoHundredLevelsIsAParseErrorNotAStackOverflow() throws {
        let parens = "{{" + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000) + "}}"
        XCTAssertThrowsError(try Template(parens)) { error in
            XCTAssertEqual("\(error)", "template: :1: max expression depth exceeded")
        }
        let ifs = String(repeating: "{{if 1}}", count: 10_000) + String(repeating: "{{end}}", count: 10_000)
        XCTAssertThrowsError(try Template(ifs)) { error in
            XCTAssertEqual("\(error)", "template: :1: actions nest more than 200 deep")
        }
        let deepEnough = String(repeating: "{{if 1}}(", count: 199) + "x" + String(repeating: "){{end}}", count: 199)
        XCTAssertEqual(try Template(deepEnough).render(.noValue), String(repeating: "(", count: 199) + "x" + String(repeating: ")", count: 199))
    }

    /// Found with Fuzz/ (fuzz-template): printf with a width or precision of a billion asked
    /// for a string that long (out of memory). Go's fmt gives up on a number past 1e6, writes
    /// %!(NOVERB) and the arguments as EXTRA.
    func testPrintfWithAWidthPastAMillionIsNoVerbAsInGo() throws {
        XCTAssertEqual(try Template(#"{{printf "%999999999999d" 1}}"#).render(.noValue), "%!(NOVERB)%!(EXTRA int=1)")
        XCTAssertEqual(try Template(#"{{printf "%.999999999f|" 1.5}}"#).render(.noValue), "%!(NOVERB)%!(EXTRA float64=1.5)")
        XCTAssertEqual(try Template(#"{{printf "%-5d|%05d|%.2f" 1 2 3.14159}}"#).render(.noValue), "1    |00002|3.14")
    }

    func testExecutionErrorsHaveNoParseLocation() {
        XCTAssertThrowsError(try Template("{{.Foo}}").render(.list([]))) { error in
            let error = error as! TemplateError
            XCTAssertEqual(error.description, "template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo in type []interface {}")
            XCTAssertNil(error.line)
        }
    }

    func testASprigFunctionWardenLacksIsNamedAsSuch() {
        XCTAssertThrowsError(try Template("{{ regexMatch \"^a\" .x }}")) { error in
            XCTAssertEqual("\(error)", "template: :1: function \"regexMatch\" is a sprig function that Warden does not implement yet; write the format without it")
        }
    }

    func testTheNameAppearsInMessages() {
        XCTAssertThrowsError(try Template("{{ if }}", name: "slack_default")) { error in
            XCTAssertEqual("\(error)", "template: slack_default:1: missing value for if")
        }
    }

    func testValuesBuiltInSwiftUseGoNamesForFieldsAndJSONNamesForToJson() throws {
        let ban = GoStruct(name: "main.Ban", fields: [
            GoField("IP", json: "ip", .string),
            GoField("Reason", json: "reason", omitEmpty: true, .pointer(.string)),
            GoField("Hits", json: "hits", .int),
        ])
        let bans = TemplateValue.list([
            .pointer(.object(GoObject(ban, ["IP": .string("192.0.2.1"), "Hits": .int(3)]))),
            .pointer(.object(GoObject(ban, ["IP": .string("192.0.2.2"), "Reason": .pointer(.string("<ssh>"))]))),
        ], .slice(.pointer(.structure(ban))))
        let text = try Template("{{range .}}{{.IP}} {{.Reason}} {{if .Reason}}has reason {{end}}{{. | toJson}}\n{{end}}").render(bans)
        XCTAssertEqual(text, """
            192.0.2.1 <nil> {"ip":"192.0.2.1","hits":3}
            192.0.2.2 <ssh> has reason {"ip":"192.0.2.2","reason":"\\u003cssh\\u003e","hits":0}

            """)
    }

    func testEnvReadsTheEnvironmentItIsGiven() throws {
        let functions = Template.defaultFunctions(environment: { $0 == "SLACK_CHANNEL" ? "#alerts" : nil })
        XCTAssertEqual(try Template("{{ env \"SLACK_CHANNEL\" }}|{{ env \"OTHER\" }}", functions: functions).render(.noValue), "#alerts|")
    }

    func testAlertJSONThatDoesNotFitTheModelIsRefusedAsGoRefusesIt() {
        XCTAssertThrowsError(try CrowdSecAlert.list(json: "[{\"source\": {\"latitude\": \"north\"}}]")) { error in
            XCTAssertEqual("\(error)", "json: cannot unmarshal string into Go struct field Source.source.latitude of type float32")
        }
        XCTAssertThrowsError(try CrowdSecAlert.list(json: "[{\"capacity\": 5,}]")) { error in
            XCTAssertEqual("\(error)", "invalid JSON at byte 16: expected a string key; fix the JSON text")
        }
    }

    func testATemplateIsParsedOnceAndRenderedManyTimes() throws {
        let template = try Template("{{len .}}")
        XCTAssertEqual(try template.render(.list([.int(1)])), "1")
        XCTAssertEqual(try template.render(.list([.int(1), .int(2)])), "2")
    }
}
