import Foundation
import WardenTemplate
import XCTest

/// Every case of ``DifferentialCases`` rendered by Go and by WardenTemplate over
/// the same alerts: outputs and error texts must be identical, byte for byte.
final class GoDifferentialTests: XCTestCase {
    static let alertsJSON: String = {
        let path = TemplateOracle.repository.appendingPathComponent("Tests/Fixtures/go-template/alerts.json").path
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? "[]"
    }()

    override func setUp() {
        // Both engines show dates in UTC: Go through TZ in its environment, this process here.
        setenv("TZ", "UTC", 1)
        tzset()
    }

    func testEveryCaseRendersAsGoRendersIt() throws {
        let cases = DifferentialCases.all
        XCTAssertGreaterThanOrEqual(cases.count, 50)
        let (variable, value) = DifferentialCases.pinnedVariable
        let expected = try TemplateOracle.answers(templates: cases.map(\.1), alertsJSON: Self.alertsJSON, environment: [variable: value])
        XCTAssertEqual(expected.count, cases.count)
        let alerts = try CrowdSecAlert.list(json: Self.alertsJSON)
        let functions = Template.defaultFunctions(environment: { $0 == variable ? value : nil })
        for ((name, text), goAnswer) in zip(cases, expected) {
            let answer: TemplateOracle.Answer
            do {
                answer = .output(try Template(text, functions: functions).render(alerts))
            } catch {
                answer = .error(error.description)
            }
            if answer != goAnswer {
                XCTFail("case \"\(name)\" differs from Go: \(Self.difference(answer, goAnswer))\ntemplate: \(text)")
            }
        }
    }

    /// Where two answers part, with some text of each from there.
    static func difference(_ mine: TemplateOracle.Answer, _ go: TemplateOracle.Answer) -> String {
        func text(_ a: TemplateOracle.Answer) -> String {
            switch a {
            case .output(let s): "output " + s
            case .error(let s): "error " + s
            }
        }
        let a = Array(text(mine)), b = Array(text(go))
        let common = zip(a, b).prefix { $0 == $1 }.count
        let start = max(0, common - 40)
        return "at character \(common):\n  warden: \(String(a[start..<min(a.count, common + 80)]).debugDescription)\n  go:     \(String(b[start..<min(b.count, common + 80)]).debugDescription)"
    }

    func testTheErrorCasesFailInGoToo() throws {
        let (variable, value) = DifferentialCases.pinnedVariable
        let expected = try TemplateOracle.answers(templates: DifferentialCases.errors.map(\.1), alertsJSON: Self.alertsJSON, environment: [variable: value])
        for ((name, _), answer) in zip(DifferentialCases.errors, expected) {
            guard case .error = answer else { return XCTFail("case \"\(name)\" was meant to fail, and Go rendered it") }
        }
    }
}
