import Glibc
import Logging
import Synchronization
import XCTest

@testable import WardenNotify

/// Stands in for WardenTemplate: `{{.|toJson}}` renders the alerts as a JSON array (what
/// Go prints for it, since each alert is already compact JSON), text without `{{` is sent
/// as written, and any other template is refused, as a compile error.
struct TestTemplates: TemplateCompiler {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    func compile(_ format: String) throws -> any AlertRenderer {
        if format == "{{.|toJson}}" { return JSONList() }
        if format.contains("{{") { throw Unsupported(description: "template: :1: unsupported in this test") }
        return Verbatim(text: format)
    }

    struct JSONList: AlertRenderer {
        func render(_ alerts: [NotifiedAlert]) throws -> String {
            "[" + alerts.map(\.json).joined(separator: ",") + "]"
        }
    }

    struct Verbatim: AlertRenderer {
        var text: String
        func render(_ alerts: [NotifiedAlert]) throws -> String { text }
    }

    /// A line per alert: its id, a colon, then `bytesPerAlert` x's.
    struct Padded: AlertRenderer {
        var bytesPerAlert: Int
        func render(_ alerts: [NotifiedAlert]) throws -> String {
            alerts.map { "\($0.id):" + String(repeating: "x", count: bytesPerAlert) }.joined(separator: "\n")
        }

        /// The alert ids of a body it rendered.
        static func ids(in body: String) -> [Int64] {
            body.split(separator: "\n").compactMap { line in Int64(line.prefix { $0 != ":" }) }
        }
    }
}

/// An alert whose JSON names its id, so a body shows which alerts it carries.
func alert(_ id: Int64) -> NotifiedAlert {
    NotifiedAlert(id: id, json: #"{"id":\#(id),"scenario":"test/scenario","source":{"scope":"Ip","value":"192.0.2.\#(id)"}}"#)
}

/// Keeps log messages with their metadata, to check what was logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    func logger() -> Logger {
        var logger = Logger(label: "warden.notify.test") { _ in Handler(capture: self) }
        logger.logLevel = .debug
        return logger
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = all.keys.sorted().map { "\($0)=\(all[$0]!)" }.joined(separator: " ")
            capture.lines.withLock { $0.append("\(event.level) \(event.message) \(text)") }
            if getenv("WARDEN_TEST_VERBOSE") != nil { print("\(event.level) \(event.message) \(text)") }
        }
    }
}

/// Waits (polling) until `condition` holds; fails after `limit`. Not a timing assertion:
/// the limit is only there so a broken build ends.
func eventually(
    _ what: String, within limit: Duration = .seconds(60), file: StaticString = #filePath, line: UInt = #line,
    _ condition: () -> Bool
) async {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        if ContinuousClock.now >= deadline {
            XCTFail("timed out waiting for: \(what)", file: file, line: line)
            return
        }
        try? await Task.sleep(for: .milliseconds(20))
    }
}

/// Debian's plugin folder (package `crowdsec`, installed by Tests/clients/install.sh).
let debianPluginFolder = "/usr/lib/crowdsec/plugins"

/// Skips without Debian's plugins, but fails under CI, where install.sh must have put them there.
func requirePlugin(_ name: String) throws {
    guard access(debianPluginFolder + "/" + name, X_OK) != 0 else { return }
    let message = "\(debianPluginFolder)/\(name) is missing: run Tests/clients/install.sh (Debian package crowdsec)"
    if getenv("CI").map({ String(cString: $0) }) == "true" {
        XCTFail(message)
        throw XCTSkip("failed: " + message)
    }
    throw XCTSkip(message)
}

/// Settings that keep the tests quick: short ticks and backoffs.
func quickSettings() -> NotificationSettings {
    var settings = NotificationSettings()
    settings.tick = .milliseconds(20)
    settings.retryBackoff = .milliseconds(50)
    settings.restartBackoff = .milliseconds(50)
    settings.maximumRestartBackoff = .milliseconds(200)
    return settings
}

/// Loads one notification document.
func notification(_ yaml: String) throws -> NotificationConfig {
    try XCTUnwrap(NotificationConfigLoader(templates: TestTemplates()).parse(yaml, file: "notifications/test.yaml").first)
}
