import WardenConfig
import XCTest

@testable import WardenNotify

final class NotificationConfigLoaderTests: XCTestCase {
    private let loader = NotificationConfigLoader(templates: TestTemplates()) { ["SLACK_URL": "https://hooks.invalid/T1"][$0] }

    func testEveryDocumentIsANotification() throws {
        let text = """
            type: http
            name: http_default
            format: '{{.|toJson}}'
            group_wait: 30s
            group_threshold: 10
            max_retry: 3
            timeout: 10s
            url: http://127.0.0.1/hook
            ---
            # the second document
            type: slack
            name: slack_default
            format: plain text
            webhook: ${SLACK_URL}
            """
        let configs = try loader.parse(text, file: "n.yaml")
        XCTAssertEqual(configs.map(\.name), ["http_default", "slack_default"])
        let http = configs[0]
        XCTAssertEqual(http.type, "http")
        XCTAssertEqual(http.groupWait, .seconds(30))
        XCTAssertEqual(http.groupThreshold, 10)
        XCTAssertEqual(http.attempts, 3)
        XCTAssertEqual(http.timeout, .seconds(10))
        XCTAssertEqual(http.line, 1)
        let slack = configs[1]
        XCTAssertEqual(slack.line, 11)
        XCTAssertNil(slack.groupWait)
        XCTAssertEqual(slack.attempts, 1)
        XCTAssertEqual(slack.timeout, .seconds(5))
        XCTAssertEqual(
            slack.pluginYAML,
            "# the second document\ntype: slack\nname: slack_default\nformat: plain text\nwebhook: https://hooks.invalid/T1")
    }

    func testMaxRetryZeroStillMakesOneAttempt() throws {
        XCTAssertEqual(try loader.parse("type: http\nname: a\nmax_retry: 0\n", file: "n.yaml")[0].attempts, 1)
    }

    func testEmptyDocumentsAreSkipped() throws {
        XCTAssertEqual(try loader.parse("---\n# nothing\n---\ntype: http\nname: a\n", file: "n.yaml").count, 1)
    }

    func testErrorsNameFileLineAndKey() {
        let cases: [(String, String)] = [
            ("name: a\n", "n.yaml:1: 'type' is missing: name the plugin that delivers it (http, slack, email, splunk, ...)"),
            ("type: http\n", "n.yaml:1: 'name' is missing: profiles list a notification by its name"),
            ("type: http\nname: a\ngroup_wait: soon\n",
             "n.yaml:3: 'group_wait' is not a duration: \"soon\"; write it like 30s or 2m"),
            ("type: http\nname: a\ngroup_threshold: -1\n",
             "n.yaml:3: 'group_threshold' is not a whole number of 0 or more: \"-1\""),
            ("type: http\nname: a\ntimeout: 0s\n", "n.yaml:3: 'timeout' must be more than 0; omit it for 5s"),
            ("type: http\nname: [a]\n", "n.yaml:2: 'name' must be text, not a list"),
            ("type: http\nname: a\nformat: '{{.Nope'\n",
             "n.yaml:3: 'format' is not a valid template: template: :1: unsupported in this test"),
            ("type: http\nname: a\nheaders:\n  Authorization: Bearer ${TOKEN}\n",
             "n.yaml:4: key 'headers': environment variable TOKEN is not set; "
                + "set it in warden's environment or write the value in the file"),
            ("type: http\n---\n- a\n", "n.yaml:1: 'name' is missing: profiles list a notification by its name"),
            ("type: a\nname: b\n---\n- a\n", "n.yaml:4: a notification must be a mapping (type, name, format, ...), not a list"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try loader.parse(text, file: "n.yaml"), text) {
                XCTAssertEqual("\($0)", expected)
            }
        }
    }

    func testAFolderRefusesTheSameNameTwice() throws {
        let folder = try temporaryFolder()
        try write("type: http\nname: dup\n", to: folder + "/a.yaml")
        try write("type: slack\nname: other\n---\ntype: slack\nname: dup\n", to: folder + "/b.yml")
        XCTAssertThrowsError(try loader.load(folder: folder)) {
            XCTAssertEqual(
                "\($0)",
                "\(folder)/b.yml:4: notification 'dup' is defined twice (first in \(folder)/a.yaml:1); give each a name of its own")
        }
    }

    func testAFolderIsReadInPathOrder() throws {
        let folder = try temporaryFolder()
        try write("type: http\nname: second\n", to: folder + "/b.yaml")
        try write("type: http\nname: first\n", to: folder + "/a.yaml")
        try write("not: a notification file\n", to: folder + "/notes.txt")
        XCTAssertEqual(try loader.load(folder: folder).map(\.name), ["first", "second"])
    }
}

func temporaryFolder() throws -> String {
    var template = Array("/tmp/warden-notify-test.XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { throw XCTSkip("mkdtemp failed") }
    return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
    guard let file = fopen(path, "w") else { throw XCTSkip("cannot write \(path)") }
    fputs(text, file)
    fclose(file)
    chmod(path, mode)
}
