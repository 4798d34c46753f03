import Foundation
import WardenConfig
import XCTest

@testable import WardenNotify

/// The notification files `config/notifications` ships (http, slack, email, splunk):
/// each loads with the real template engine, names the plugin's keys, and an unset
/// `${VAR}` stops only a notification that will run.
final class ShippedNotificationsTests: XCTestCase {
    private let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/notifications").path

    func testEverySampleLoadsAndNoneStartsUntilAProfileNamesIt() throws {
        let loader = NotificationConfigLoader(templates: GoTemplates()) { _ in nil }
        let configs = try loader.load(folder: folder, started: [])
        XCTAssertEqual(configs.map(\.name), ["email_default", "http_default", "slack_default", "splunk_default"])
        XCTAssertEqual(configs.map(\.type), ["email", "http", "slack", "splunk"])
        XCTAssertEqual(configs.first { $0.name == "email_default" }?.groupWait, .seconds(60))
        XCTAssertTrue(try XCTUnwrap(configs.first { $0.name == "http_default" }).pluginYAML.contains("url: https://alerts.example.net/warden"))
    }

    func testAStartedSampleNeedsItsVariables() throws {
        let unset = NotificationConfigLoader(templates: GoTemplates()) { _ in nil }
        XCTAssertThrowsError(try unset.load(folder: folder, started: ["slack_default"])) { error in
            XCTAssertEqual("\(error)", "\(folder)/slack.yaml:29: key 'webhook': environment variable SLACK_WEBHOOK_URL is not set; set it in warden's environment or write the value in the file")
        }
        XCTAssertNoThrow(try unset.load(folder: folder, started: ["http_default"]), "the http sample needs no variable")
        let set = NotificationConfigLoader(templates: GoTemplates()) { ["SLACK_WEBHOOK_URL": "https://hooks.invalid/T1"][$0] }
        let slack = try XCTUnwrap(set.load(folder: folder, started: ["slack_default"]).first { $0.name == "slack_default" })
        XCTAssertTrue(slack.pluginYAML.contains("webhook: https://hooks.invalid/T1"))
    }

    /// The samples' formats render a real alert the way their comments say.
    func testTheSlackFormatRendersOneLinePerDecision() throws {
        let loader = NotificationConfigLoader(templates: GoTemplates()) { _ in "x" }
        let slack = try XCTUnwrap(loader.load(folder: folder).first { $0.name == "slack_default" })
        let alert = #"{"scenario":"crowdsecurity/ssh-bf","decisions":[{"value":"192.0.2.7","type":"ban","duration":"4h"}]}"#
        XCTAssertEqual(try slack.renderer.render([NotifiedAlert(id: 1, json: alert)]),
                       ":no_entry: 192.0.2.7 gets a ban for 4h: crowdsecurity/ssh-bf\n")
    }
}
