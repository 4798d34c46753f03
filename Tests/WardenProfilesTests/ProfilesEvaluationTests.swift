import Foundation
import Logging
import WardenAlerts
import WardenExpr
import WardenProfiles
import WardenTesting
import XCTest

/// How profiles turn an alert into decisions and notification routes, with CrowdSec's semantics.
final class ProfilesEvaluationTests: XCTestCase {
    /// A history where 192.0.2.7 has `count` past decisions.
    struct History: DecisionHistory {
        var count = 0
        func decisionsCount(value: String) -> Int { value == "192.0.2.7" ? count : 0 }
        func decisionsCount(value: String, since seconds: Int64) -> Int { seconds >= 86400 ? count : 0 }
        func activeDecisionsCount(value: String) -> Int { 0 }
        func activeDecisionsTimeLeft(value: String) -> Int64 { 0 }
    }

    let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func alert(scope: String = "Ip", value: String = "192.0.2.7", remediation: Bool = true) -> Alert {
        Alert(
            eventsCount: 6, remediation: remediation, scenario: "crowdsecurity/ssh-bf", simulated: false,
            source: AlertSource(scope: scope, value: value))
    }

    func profiles(_ text: String, history: History = History()) throws -> Profiles {
        try Profiles(text, file: "profiles.yaml", environment: ProfileEnvironment.make(history: history, now: { 0 }))
    }

    func testDefaultProfileBansTheIPForFourHours() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/profiles.yaml").path
        let profiles = try Profiles.load(path: path, history: History(), now: { 0 })
        let verdict = try profiles.evaluate(alert(), logger: quiet)
        XCTAssertEqual(
            verdict.decisions,
            [
                AlertDecision(
                    duration: "4h", origin: "crowdsec", scenario: "crowdsecurity/ssh-bf", scope: "Ip", type: "ban",
                    value: "192.0.2.7")
            ])
        XCTAssertEqual(verdict.routes.map(\.profile), ["default_ip_remediation"])
        XCTAssertEqual(try profiles.evaluate(alert(scope: "Range", value: "192.0.2.0/24"), logger: quiet).decisions, [])
        XCTAssertEqual(try profiles.evaluate(alert(remediation: false), logger: quiet).decisions, [])
    }

    func testEachTrueFilterAddsTheDecisionsOnce() throws {
        let profiles = try self.profiles(
            "name: twice\nfilters: ['true', 'false', 'Alert.GetScope() == \"Ip\"']\ndecisions: [{type: ban, duration: 1h}, {type: captcha, duration: 2h, scope: app}]\n"
        )
        let decisions = try profiles.evaluate(alert(), logger: quiet).decisions
        XCTAssertEqual(decisions.map(\.type), ["ban", "captcha", "ban", "captcha"])
        XCTAssertEqual(decisions.map(\.scope), ["Ip", "app", "Ip", "app"])
    }

    func testRepeatOffendersGetLongerBansFromDurationExpr() throws {
        let text = """
            name: repeat
            filters: ['true']
            decisions: [{type: ban}]
            duration_expr: Sprintf('%dh', (GetDecisionsCount(Alert.GetValue()) + 1) * 4)
            """
        for (count, duration) in [(0, "4h"), (1, "8h"), (2, "12h")] {
            let decisions = try profiles(text, history: History(count: count)).evaluate(alert(), logger: quiet)
                .decisions
            XCTAssertEqual(decisions.map(\.duration), [duration])
        }
    }

    func testDurationExprThatIsNoDurationFallsBackToTheDecisionsDuration() throws {
        let text =
            "name: x\nfilters: ['true']\ndecisions: [{type: ban, duration: 2h}]\nduration_expr: GetDecisionsCount(Alert.GetValue())\n"
        XCTAssertEqual(
            try profiles(text, history: History(count: 3)).evaluate(alert(), logger: quiet).decisions.map(\.duration),
            ["2h"])
        // 0 reads as a Go duration ("0"), as in CrowdSec.
        XCTAssertEqual(try profiles(text).evaluate(alert(), logger: quiet).decisions.map(\.duration), ["0"])
        let failing =
            "name: x\nfilters: ['true']\ndecisions: [{type: ban}]\nduration_expr: Alert.Events[3].GetMeta('a')\n"
        XCTAssertEqual(try profiles(failing).evaluate(alert(), logger: quiet).decisions.map(\.duration), ["4h"])
    }

    func testOriginAndSimulationFollowCrowdSec() throws {
        let profiles = try self.profiles(
            "filters: ['true']\ndecisions: [{type: ban, duration: 1h, origin: mine, simulated: true}, {type: ban, duration: 1h}]\n"
        )
        let decisions = try profiles.evaluate(alert(), logger: quiet).decisions
        XCTAssertEqual(decisions.map(\.origin), ["crowdsec/mine", "crowdsec"])
        XCTAssertEqual(decisions.map(\.simulated), [true, nil])
        var simulated = alert()
        simulated.simulated = true
        XCTAssertEqual(try profiles.evaluate(simulated, logger: quiet).decisions.map(\.simulated), [true, true])
    }

    func testFirstMatchGivesDecisionsAndEveryMatchNotifies() throws {
        let profiles = try self.profiles(
            """
            name: notify_only
            filters: ['true']
            notifications: [slack]
            ---
            name: first
            filters: ['true']
            decisions: [{type: ban, duration: 1h}]
            notifications: [http]
            ---
            name: second
            filters: ['true']
            decisions: [{type: captcha, duration: 1h}]
            on_success: break
            ---
            name: never
            filters: ['true']
            notifications: [email]
            """)
        let verdict = try profiles.evaluate(alert(), logger: quiet)
        XCTAssertEqual(verdict.decisions.map(\.type), ["ban"])
        XCTAssertEqual(verdict.routes.map(\.profile), ["notify_only", "first", "second"])
        XCTAssertEqual(verdict.routes.map(\.notifications), [["slack"], ["http"], []])
    }

    func testOnFailureBreakChangesNothingAsInCrowdSec() throws {
        let profiles = try self.profiles(
            "name: a\nfilters: ['false']\non_failure: break\n---\nname: b\nfilters: ['true']\ndecisions: [{type: ban, duration: 1h}]\n"
        )
        XCTAssertEqual(try profiles.evaluate(alert(), logger: quiet).routes.map(\.profile), ["b"])
    }

    func testAlertWithDecisionsKeepsThemAndOnlyGetsNotifications() throws {
        let profiles = try self.profiles(
            "name: a\nfilters: ['true']\ndecisions: [{type: ban, duration: 1h}]\nnotifications: [http]\n")
        var manual = alert()
        manual.decisions = [
            AlertDecision(
                duration: "24h", origin: "cscli", scenario: "manual", scope: "Ip", type: "ban", value: "192.0.2.7")
        ]
        let verdict = try profiles.evaluate(manual, logger: quiet)
        XCTAssertEqual(verdict.decisions, manual.decisions)
        XCTAssertEqual(verdict.routes.map(\.notifications), [["http"]])
    }

    func testFilterFailuresRefuseTheAlertUnlessOnErrorSaysOtherwise() throws {
        let failing =
            "name: a\nfilters: ['Alert.Events[5].GetMeta(\"x\") == \"y\"']\ndecisions: [{type: ban, duration: 1h}]\n"
        let next = "---\nname: b\nfilters: ['true']\ndecisions: [{type: captcha, duration: 1h}]\n"
        XCTAssertThrowsError(try profiles(failing + next).evaluate(alert(), logger: quiet)) { error in
            XCTAssertEqual(
                "\(error)",
                "while running expression Alert.Events[5].GetMeta(\"x\") == \"y\": reflect: slice index out of range (1:13)\n"
                    + " | Alert.Events[5].GetMeta(\"x\") == \"y\"\n | ............^")
        }
        let cases: [(String, [String], [String])] = [
            ("continue", ["b"], ["captcha"]), ("ignore", ["b"], ["captcha"]), ("apply", ["a", "b"], ["captcha"]),
            ("break", [], []),
        ]
        for (onError, routes, types) in cases {
            let verdict = try profiles(failing + "on_error: \(onError)\n" + next).evaluate(alert(), logger: quiet)
            XCTAssertEqual(verdict.routes.map(\.profile), routes, onError)
            XCTAssertEqual(verdict.decisions.map(\.type), types, onError)
        }
    }

    func testNonBooleanResultAtRunTimeIsAnError() throws {
        let profiles = try self.profiles("name: a\nfilters: ['{\"a\": \"x\"}.a']\n")
        XCTAssertThrowsError(try profiles.evaluate(alert(), logger: quiet)) { error in
            XCTAssertEqual("\(error)", "unexpected type %!t(string=x) (x) while running '{\"a\": \"x\"}.a'")
        }
    }

    func testDebugLogsEachFiltersResult() throws {
        let recorder = LogRecorder()
        // At info level: a debug profile's lines show without lowering the daemon's log level.
        let logger = recorder.logger(level: .info)
        let profiles = try self.profiles(
            "name: dbg\ndebug: true\nfilters: ['false', 'Alert.GetScope() == \"Ip\"']\n---\nname: quiet\nfilters: ['true']\n"
        )
        _ = try profiles.evaluate(alert(), logger: logger)
        XCTAssertEqual(
            recorder.records.map(\.message),
            [
                "profile 'dbg': filter 1 (false) is false",
                "profile 'dbg': filter 2 (Alert.GetScope() == \"Ip\") is true",
            ])
    }
}
