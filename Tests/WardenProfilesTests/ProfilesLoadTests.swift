import Foundation
import WardenConfig
import WardenExpr
import WardenProfiles
import XCTest

/// Every load-time error of profiles.yaml, with its exact text: the file, the line,
/// the profile and, for expressions, the filter and the column.
final class ProfilesLoadTests: XCTestCase {
    let environment = ProfileEnvironment.make(history: EmptyDecisionHistory(), now: { 0 })

    private func loadError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try Profiles(text, file: "profiles.yaml", environment: environment)
            XCTFail("loaded", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testShippedProfilesFileLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/profiles.yaml").path
        let profiles = try Profiles.load(path: path, history: EmptyDecisionHistory(), now: { 0 })
        XCTAssertEqual(profiles.profiles.map(\.config.name), ["default_ip_remediation"])
        XCTAssertEqual(profiles.profiles[0].config.decisions.map(\.duration), ["4h"])
    }

    func testMultipleDocumentsKeepTheirOrder() throws {
        let profiles = try Profiles(
            "name: a\nfilters: [\"true\"]\ndecisions: [{type: ban, duration: 1h}]\n---\nname: b\n---\n",
            file: "profiles.yaml", environment: environment)
        XCTAssertEqual(profiles.profiles.map(\.config.name), ["a", "b"])
    }

    func testFilterErrorsNameFileLineProfileFilterAndColumn() {
        XCTAssertEqual(
            loadError("name: x\nfilters:\n - Alert.Remediation == true\n - Alrt.GetScope() == 'Ip'\n"),
            "profiles.yaml:4: profile 'x', filter 2, column 1: unknown name Alrt\n | Alrt.GetScope() == 'Ip'\n | ^")
        XCTAssertEqual(
            loadError("name: x\nfilters:\n - Alert.GetScope() =="),
            "profiles.yaml:3: profile 'x', filter 1, column 19: unexpected token EOF\n | Alert.GetScope() ==\n | ..................^"
        )
        XCTAssertEqual(
            loadError("name: x\nfilters:\n - Alert.GetScope()\n"),
            "profiles.yaml:3: profile 'x', filter 1: it gives string, but a filter must give true or false")
        XCTAssertEqual(
            loadError("filters:\n - Alert.Nope\n"),
            "profiles.yaml:2: profile 1, filter 1, column 7: type *models.Alert has no field Nope\n | Alert.Nope\n | ......^"
        )
    }

    func testDurationExpressionErrorsAreFoundAtLoad() {
        XCTAssertEqual(
            loadError("name: x\nduration_expr: Sprintf('%dh', GetDecisionCount(Alert.GetValue()))\n"),
            "profiles.yaml:2: profile 'x', duration_expr, column 16: unknown func GetDecisionCount\n"
                + " | Sprintf('%dh', GetDecisionCount(Alert.GetValue()))\n | ...............^")
    }

    /// The legacy `outputs: [{plugin: NAME, store: BOOL}]`: every way it can be wrong.
    func testOutputsErrors() {
        XCTAssertEqual(
            loadError("name: x\noutputs: sqlite\n"),
            "profiles.yaml:2: profile 'x': 'outputs' must be a list of {plugin: NAME, store: true|false}, found a scalar")
        XCTAssertEqual(
            loadError("name: x\noutputs:\n - sqlite\n"),
            "profiles.yaml:3: profile 'x': output 1 must be a mapping {plugin: NAME, store: true|false}, found a scalar")
        XCTAssertEqual(
            loadError("name: x\noutputs:\n - store: true\n"),
            "profiles.yaml:3: profile 'x': output 1 has no 'plugin': name the backend (its configured name)")
        XCTAssertEqual(
            loadError("name: x\noutputs:\n - plugin: sqlite\n   keep: true\n"),
            "profiles.yaml:4: profile 'x': output 1: unknown key 'keep'; an output takes plugin and store")
        XCTAssertEqual(
            loadError("name: x\noutputs:\n - plugin: sqlite\n   store: maybe\n"),
            "profiles.yaml:4: profile 'x': output 1: 'store' must be true or false, found 'maybe'")
        XCTAssertEqual(
            loadError("name: x\noutputs:\n - plugin: sqlite\n - plugin: sqlite\n   store: false\n"),
            "profiles.yaml:4: profile 'x': output 2: the backend 'sqlite' is named twice; name each backend once")
    }

    func testDirectiveErrors() {
        XCTAssertEqual(
            loadError("name: x\nfilter: [\"true\"]\n"),
            "profiles.yaml:2: profile 'x': unknown directive 'filter' (did you mean 'filters'?); profiles take name, "
                + "debug, filters, decisions, duration_expr, on_success, on_failure, on_error, notifications, outputs")
        XCTAssertEqual(loadError("- a\n"), "profiles.yaml:1: profile 1 must be a mapping of directives, found a list")
        XCTAssertEqual(
            loadError("name: x\nfilters: true\n"),
            "profiles.yaml:2: profile 'x': 'filters' must be a list, found a scalar")
        XCTAssertEqual(
            loadError("name: x\nfilters:\n - [a]\n"),
            "profiles.yaml:3: profile 'x': each of 'filters' must be text, found a list")
        XCTAssertEqual(
            loadError("name: [x]\n"), "profiles.yaml:1: profile 1: 'name' must be a single value, found a list")
        XCTAssertEqual(
            loadError("name: x\ndebug: maybe\n"),
            "profiles.yaml:2: profile 'x': 'debug' must be true or false, found 'maybe'")
        XCTAssertEqual(
            loadError("name: x\non_success: stop\n"),
            "profiles.yaml:2: profile 'x': 'on_success' must be break or continue, found 'stop'")
        XCTAssertEqual(
            loadError("name: x\non_failure: stop\n"),
            "profiles.yaml:2: profile 'x': 'on_failure' must be break or continue, found 'stop'")
        XCTAssertEqual(
            loadError("name: x\non_error: retry\n"),
            "profiles.yaml:2: profile 'x': 'on_error' must be apply, break, continue or ignore, found 'retry'")
        XCTAssertEqual(
            loadError(""), "profiles.yaml: no profile: the Local API needs at least one (see config/profiles.yaml)")
    }

    func testDecisionErrors() {
        XCTAssertEqual(
            loadError("name: x\ndecisions:\n - duration: 4h\n"),
            "profiles.yaml:3: profile 'x': decision 1: 'type' is required (ban, captcha...)")
        XCTAssertEqual(
            loadError("name: x\ndecisions:\n - type: ban\n"),
            "profiles.yaml:3: profile 'x': decision 1: 'duration' is required when the profile has no duration_expr")
        XCTAssertEqual(
            loadError("name: x\ndecisions:\n - type: ban\n   duration: 1d\n"),
            "profiles.yaml:4: profile 'x': decision 1: duration '1d' is not a Go duration; write it like 4h, 90m or 1h30m"
        )
        XCTAssertEqual(
            loadError("name: x\ndecisions:\n - type: ban\n   durations: 4h\n"),
            "profiles.yaml:4: profile 'x': decision 1: unknown key 'durations' (did you mean 'duration'?)")
        XCTAssertEqual(
            loadError("name: x\ndecisions:\n - ban\n"),
            "profiles.yaml:3: profile 'x': decision 1 must be a mapping (type, duration...), found a scalar")
        XCTAssertEqual(
            loadError("name: x\ndecisions:\n - type: [ban]\n"),
            "profiles.yaml:3: profile 'x': decision 1: 'type' must be a single value, found a list")
        XCTAssertEqual(
            loadError("name: x\ndecisions: ban\n"),
            "profiles.yaml:2: profile 'x': 'decisions' must be a list, found a scalar")
    }

    func testUnreadableFileIsNamed() {
        XCTAssertThrowsError(
            try Profiles.load(path: "/nonexistent/profiles.yaml", history: EmptyDecisionHistory(), now: { 0 })
        ) {
            XCTAssertTrue("\($0)".hasPrefix("/nonexistent/profiles.yaml: cannot read the profiles: "), "\($0)")
        }
    }
}
