import Glibc
import XCTest

@testable import WardenNotify

/// Debian's `http` plugin, driven through the hub, posting to a local receiver.
final class HTTPPluginTests: XCTestCase {
    private var receiver: HTTPReceiver!
    private let capture = LogCapture()

    override func setUp() async throws {
        try requirePlugin("http")
        receiver = try HTTPReceiver()
    }

    override func tearDown() async throws {
        receiver?.close()
    }

    private func hub(_ extra: String, name: String = "hook", settings: NotificationSettings = quickSettings()) throws
        -> NotificationHub
    {
        let config = try notification(
            "type: http\nname: \(name)\nformat: '{{.|toJson}}'\nurl: \(receiver.url)\nmethod: POST\n" + extra)
        return try NotificationHub(
            configs: [config], pluginDirectory: debianPluginFolder, identity: nil, settings: settings,
            logger: capture.logger())
    }

    func testABatchIsPostedAsRendered() async throws {
        let hub = try hub("group_wait: 500ms\n")
        await hub.start()
        hub.enqueue(alert(1), to: ["hook"])
        hub.enqueue(alert(2), to: ["hook"])
        await eventually("the batch is posted") { receiver.bodies.count == 1 }
        XCTAssertEqual(receiver.bodies, ["[\(alert(1).json),\(alert(2).json)]"])
        await eventually("the batch is counted") { hub.status()[0].counts == NotificationCounts(sent: 2) }
        XCTAssertTrue(capture.contains("notification plugin picked"), "\(capture.all)")
        XCTAssertTrue(capture.contains("plugin=/usr/lib/crowdsec/plugins/http"), "\(capture.all)")
        await hub.shutdown(within: .seconds(10))
        if case .stopped = hub.status()[0].state {} else { XCTFail("plugin not stopped: \(hub.status())") }
    }

    func testAFailedPostIsRetried() async throws {
        receiver.failNext(2)
        let hub = try hub("max_retry: 3\n")
        await hub.start()
        hub.enqueue(alert(7), to: ["hook"])
        await eventually("the third attempt is posted") { receiver.bodies.count == 1 }
        XCTAssertEqual(receiver.requests, 3)
        XCTAssertEqual(receiver.bodies, ["[\(alert(7).json)]"])
        await eventually("the batch is counted") { hub.status()[0].counts == NotificationCounts(sent: 1) }
        XCTAssertEqual(hub.status()[0].restarts, 0, "an error the plugin returns is no reason to restart it")
        await hub.shutdown(within: .seconds(10))
    }

    func testAGivenUpBatchIsCountedAndLoggedWithItsAlertIDs() async throws {
        receiver.failNext(100)
        let hub = try hub("max_retry: 2\n")
        await hub.start()
        hub.enqueue(alert(41), to: ["hook"])
        hub.enqueue(alert(42), to: ["hook"])
        await eventually("the batch is given up") { hub.status()[0].counts.failed == 2 }
        XCTAssertEqual(receiver.requests, 2)
        XCTAssertTrue(capture.contains("gave up on 2 alerts after 2 attempts: unknown: "), "\(capture.all)")
        XCTAssertTrue(capture.contains("alert ids: 41,42 notification=hook"), "\(capture.all)")
        await hub.shutdown(within: .seconds(10))
    }

    func testGroupThresholdWaitsForEnoughAlerts() async throws {
        let hub = try hub("group_threshold: 3\ngroup_wait: 1h\n")
        await hub.start()
        hub.enqueue(alert(1), to: ["hook"])
        hub.enqueue(alert(2), to: ["hook"])
        // Many ticks pass; two alerts are below the threshold and group_wait is far off.
        try await Task.sleep(for: .milliseconds(400))
        XCTAssertEqual(receiver.requests, 0)
        XCTAssertEqual(hub.status()[0].counts.pending, 2)
        hub.enqueue(alert(3), to: ["hook"])
        await eventually("the batch of three is posted") { receiver.bodies.count == 1 }
        XCTAssertEqual(receiver.bodies, ["[\(alert(1).json),\(alert(2).json),\(alert(3).json)]"])
        await hub.shutdown(within: .seconds(10))
    }

    func testAKilledPluginIsRestartedAndTheNotificationStillArrives() async throws {
        let hub = try hub("")
        await hub.start()
        hub.enqueue(alert(1), to: ["hook"])
        await eventually("the first alert is posted") { receiver.bodies.count == 1 }
        guard case .running(let pid) = hub.status()[0].state else { return XCTFail("not running: \(hub.status())") }
        kill(pid, SIGKILL)
        hub.enqueue(alert(2), to: ["hook"])
        await eventually("the second alert is posted") { receiver.bodies.count == 2 }
        XCTAssertEqual(receiver.bodies.last, "[\(alert(2).json)]")
        guard case .running(let newPID) = hub.status()[0].state else { return XCTFail("not running: \(hub.status())") }
        XCTAssertNotEqual(newPID, pid)
        await eventually("both are counted") { hub.status()[0].counts == NotificationCounts(sent: 2) }
        await hub.shutdown(within: .seconds(10))
    }

    func testShutdownSendsWhatIsPending() async throws {
        let hub = try hub("group_wait: 1h\n")
        await hub.start()
        for id in 1...3 { hub.enqueue(alert(Int64(id)), to: ["hook"]) }
        await hub.shutdown(within: .seconds(20))
        XCTAssertEqual(receiver.bodies, ["[\(alert(1).json),\(alert(2).json),\(alert(3).json)]"])
        XCTAssertEqual(hub.status()[0].counts, NotificationCounts(sent: 3))
        hub.enqueue(alert(4), to: ["hook"])
        XCTAssertEqual(hub.status()[0].counts, NotificationCounts(sent: 3, dropped: 1))
        XCTAssertTrue(capture.contains("alert 4 dropped: Warden is shutting down"), "\(capture.all)")
    }

    /// With a spool, what shutdown cannot send (out of time, or come once it began) is
    /// kept on disk, and the next start sends it and empties the spool.
    func testWhatShutdownCannotSendIsKeptAndSentAtTheNextStart() async throws {
        let spool = NotificationSpool(path: "/tmp/warden-spool-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { unlink(spool.path) }
        receiver.hang(true)
        let config = try notification("type: http\nname: hook\nformat: '{{.|toJson}}'\nurl: \(receiver.url)\ntimeout: 1h\n")
        let first = try NotificationHub(
            configs: [config], pluginDirectory: debianPluginFolder, identity: nil, settings: quickSettings(), spool: spool,
            logger: capture.logger())
        await first.start()
        first.enqueue(alert(5), to: ["hook"])
        await eventually("the post reaches the receiver") { receiver.requests == 1 }
        first.enqueue(alert(6), to: ["hook"])
        await first.shutdown(within: .milliseconds(500))
        first.enqueue(alert(7), to: ["hook"])
        XCTAssertEqual(first.status()[0].counts, NotificationCounts(), "kept alerts are neither sent nor dropped")
        XCTAssertTrue(capture.contains(
            "1 alerts not sent before the shutdown deadline; kept in \(spool.path), sent at the next start; alert ids: 5"), "\(capture.all)")
        XCTAssertTrue(capture.contains(
            "1 alerts came while Warden was shutting down; kept in \(spool.path), sent at the next start; alert ids: 7"), "\(capture.all)")
        XCTAssertEqual(readText(spool.path)?.split(separator: "\n").count, 3)

        receiver.hang(false)
        let second = try NotificationHub(
            configs: [config], pluginDirectory: debianPluginFolder, identity: nil, settings: quickSettings(), spool: spool,
            logger: capture.logger())
        await second.start()
        XCTAssertNil(readText(spool.path), "the spool is emptied once read")
        await eventually("the kept alerts are sent") { second.status()[0].counts.sent == 3 }
        XCTAssertTrue(receiver.bodies.contains("[\(alert(5).json),\(alert(6).json),\(alert(7).json)]"), "\(receiver.bodies)")
        XCTAssertTrue(capture.contains("3 alert(s) kept at the last shutdown queued again"), "\(capture.all)")
        await second.shutdown(within: .seconds(10))
    }

    func testShutdownOutOfTimeLogsWhatItCouldNotSend() async throws {
        receiver.hang(true)
        let hub = try hub("timeout: 1h\n")
        await hub.start()
        hub.enqueue(alert(5), to: ["hook"])
        await eventually("the post reaches the receiver") { receiver.requests == 1 }
        hub.enqueue(alert(6), to: ["hook"])
        await hub.shutdown(within: .milliseconds(500))
        XCTAssertEqual(hub.status()[0].counts, NotificationCounts(dropped: 2))
        XCTAssertTrue(capture.contains("1 alerts not sent before the shutdown deadline; alert ids: 5"), "\(capture.all)")
        XCTAssertTrue(capture.contains("1 alerts not sent before the shutdown deadline; alert ids: 6"), "\(capture.all)")
    }

    func testAFullQueueDropsAndCountsWithoutWaiting() async throws {
        receiver.hang(true)
        var settings = quickSettings()
        settings.queueCapacity = 10
        let hub = try hub("timeout: 1h\n", settings: settings)
        await hub.start()
        hub.enqueue(alert(1), to: ["hook"])
        await eventually("the plugin hangs on the first post") { receiver.requests == 1 }
        let started = ContinuousClock.now
        for id in 2...1001 { hub.enqueue(alert(Int64(id)), to: ["hook"]) }
        let elapsed = ContinuousClock.now - started
        print("1000 enqueues while the plugin hangs: \(elapsed)")
        XCTAssertEqual(hub.status()[0].counts.pending, 11, "ten queued and the one the plugin hangs on")
        XCTAssertEqual(hub.status()[0].counts.dropped, 990)
        XCTAssertTrue(capture.contains("alert 12 dropped: its queue is full (10 alerts; the plugin is not keeping up)"))
        // The rest of the burst: one line with every id, not 989, within a second or so,
        // while the loop is still stuck in its delivery.
        let rest = (13...1001).map(String.init).joined(separator: ",")
        await eventually("the rest of the burst is logged", within: .seconds(10)) {
            capture.contains("989 alerts dropped: its queue is full (10 alerts; the plugin is not keeping up); alert ids: \(rest)")
        }
        await hub.shutdown(within: .milliseconds(300))
        XCTAssertEqual(capture.all.filter { $0.contains("dropped: its queue is full") }.count, 2)
    }

    func testTheLongestTextThePluginTakesGoesThroughAndALongerOneFailsAtOnce() async throws {
        let yaml = "type: http\nname: big\nurl: \(receiver.url)\n"
        let fits = NotificationConfig(
            name: "big", type: "http", format: "", renderer: TestTemplates.Verbatim(text: String(repeating: "x", count: PluginWire.maximumText)),
            pluginYAML: yaml)
        let tooLong = NotificationConfig(
            name: "bigger", type: "http", format: "", renderer: TestTemplates.Verbatim(text: String(repeating: "x", count: 5 << 20)),
            attempts: 3, pluginYAML: yaml.replacingName(with: "bigger"))
        let hub = try NotificationHub(
            configs: [fits, tooLong], pluginDirectory: debianPluginFolder, identity: nil, settings: quickSettings(),
            logger: capture.logger())
        await hub.start()
        hub.enqueue(alert(2), to: ["big"])
        hub.enqueue(alert(3), to: ["bigger"])
        await eventually("both are handled") { hub.status().map(\.counts.sent) == [1, 0] && hub.status()[1].counts.failed == 1 }
        XCTAssertEqual(receiver.bodies.map(\.count), [PluginWire.maximumText])
        XCTAssertTrue(
            capture.contains(
                "cannot send 1 alert: the rendered text is 5242880 bytes, over the 4193280 a plugin accepts; "
                    + "shorten 'format'; alert id: 3"), "\(capture.all)")
        await hub.shutdown(within: .seconds(10))
    }

    /// A burst whose text is over the plugin's limit goes in parts that fit (split again
    /// where a part is still too long): every alert arrives, once.
    func testABatchTooLongForOneCallIsSentInParts() async throws {
        let megabyte = 1 << 20
        let config = NotificationConfig(
            name: "burst", type: "http", format: "", renderer: TestTemplates.Padded(bytesPerAlert: megabyte), groupThreshold: 10,
            pluginYAML: "type: http\nname: burst\nurl: \(receiver.url)\n")
        let hub = try NotificationHub(
            configs: [config], pluginDirectory: debianPluginFolder, identity: nil, settings: quickSettings(), logger: capture.logger())
        await hub.start()
        for id in 1...10 { hub.enqueue(alert(Int64(id)), to: ["burst"]) }
        await eventually("all ten are sent") { hub.status()[0].counts.sent == 10 }
        XCTAssertEqual(hub.status()[0].counts, NotificationCounts(sent: 10))
        // 10 MiB in 3 parts of 4 alerts (4 MiB and a little more: each split in two) and one of 2.
        XCTAssertEqual(receiver.bodies.map { TestTemplates.Padded.ids(in: $0) }, [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]])
        XCTAssertTrue(
            capture.contains(
                "the rendered text is 10485790 bytes, over the 4193280 a plugin accepts for 10 alerts; "
                    + "sending them in batches of 4 (lower group_threshold or group_wait to avoid this)"), "\(capture.all)")
        await hub.shutdown(within: .seconds(10))
    }

    func testPluginsCanRunAsAnotherUser() async throws {
        guard geteuid() == 0 else { throw XCTSkip("only root can start a plugin as another user") }
        let identity = try PluginIdentity.resolve(user: "nobody", group: "nogroup")
        let config = try notification("type: http\nname: hook\nformat: '{{.|toJson}}'\nurl: \(receiver.url)\n")
        let hub = try NotificationHub(
            configs: [config], pluginDirectory: debianPluginFolder, identity: identity, settings: quickSettings(),
            logger: capture.logger())
        await hub.start()
        guard case .running(let pid) = hub.status()[0].state else { return XCTFail("not running: \(hub.status())") }
        let status = try XCTUnwrap(readText("/proc/\(pid)/status"))
        XCTAssertTrue(status.contains("Uid:\t\(identity.uid)\t\(identity.uid)"), status)
        let groups = status.split(separator: "\n").first { $0.hasPrefix("Groups:") }
        XCTAssertEqual(groups?.dropFirst("Groups:".count).allSatisfy(\.isWhitespace), true, "supplementary groups: \(status)")
        hub.enqueue(alert(9), to: ["hook"])
        await eventually("the alert is posted") { receiver.bodies.count == 1 }
        await hub.shutdown(within: .seconds(10))
    }
}

func readText(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var text = ""
    var buffer = [CChar](repeating: 0, count: 4096)
    while fgets(&buffer, Int32(buffer.count), file) != nil { text += buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } }
    return text
}

private extension String {
    func replacingName(with name: String) -> String {
        split(separator: "\n").map { $0.hasPrefix("name: ") ? "name: \(name)" : String($0) }.joined(separator: "\n") + "\n"
    }
}

/// The formats as users write them, rendered by WardenTemplate, through the real plugin.
final class GoTemplateDeliveryTests: XCTestCase {
    func testAGoTemplateFormatIsRenderedOverTheBatch() async throws {
        try requirePlugin("http")
        let receiver = try HTTPReceiver()
        defer { receiver.close() }
        let loader = NotificationConfigLoader(templates: GoTemplates())
        let yaml = """
            type: http
            name: hook
            group_wait: 300ms
            format: |
              {{range .}}{{.Scenario | upper}} {{.Source.Value}}
              {{end}}
            url: \(receiver.url)
            """
        let config = try XCTUnwrap(loader.parse(yaml, file: "notifications/http.yaml").first)
        let hub = try NotificationHub(
            configs: [config], pluginDirectory: debianPluginFolder, identity: nil, settings: quickSettings(),
            logger: LogCapture().logger())
        await hub.start()
        hub.enqueue(alert(1), to: ["hook"])
        hub.enqueue(alert(2), to: ["hook"])
        await eventually("the batch is posted") { receiver.bodies.count == 1 }
        // The block scalar's last newline follows {{end}}, so it ends the text, as in Go.
        XCTAssertEqual(receiver.bodies, ["TEST/SCENARIO 192.0.2.1\nTEST/SCENARIO 192.0.2.2\n\n"])
        await hub.shutdown(within: .seconds(10))
    }

    func testATemplateErrorIsReportedAtLoad() {
        let loader = NotificationConfigLoader(templates: GoTemplates())
        XCTAssertThrowsError(try loader.parse("type: http\nname: a\nformat: '{{.Scenario'\n", file: "n.yaml")) {
            XCTAssertTrue("\($0)".hasPrefix("n.yaml:3: 'format' is not a valid template: template: :1: "), "\($0)")
        }
    }
}
