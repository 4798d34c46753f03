import Foundation
import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// Behaviour only the MySQL backend has, against a real private MariaDB server.
final class MySQLBackendTests: XCTestCase {
    private let library = BuildProducts.library("warden-backend-mysql")
    private let clock = ManualClock()

    /// An instance on `config`, on the real clock, or on ``clock`` when `manualClock`.
    private func open(_ config: [String: String], logger: Logger? = nil, manualClock: Bool = false) throws
        -> LoadedBackend
    {
        let file = BackendConfigFile(name: "mysql", libraryPath: library, config: config, file: "t")
        let logger = logger ?? Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
        if manualClock {
            return try BanStore.load(
                file, injected: ["flush": "false"], logger: logger, clock: clock.closure, allowUnsafeFiles: false)
        }
        return try BanStore.load(
            file, injected: ["flush": "false"], logger: logger, clock: { Timestamp.now() }, allowUnsafeFiles: false)
    }

    /// A fresh database's config and name.
    private func freshDatabase(_ prefix: String) throws -> (server: PrivateMariaDB, config: [String: String], name: String) {
        let server = try PrivateMariaDB.shared.get()
        let name = "\(prefix)-\(UUID().uuidString.prefix(8))"
        return (server, server.config(database: name), name)
    }

    /// A one-ban signal created at the manual clock's now.
    private func signal(_ target: String, reason: String = "test") throws -> SignalOrder {
        ManualBan(target: try BanTarget.parseIP(target), durationNs: 36_000 * 1_000_000_000, reason: reason)
            .signal(at: clock.now)
    }

    private func loadError(_ config: [String: String]) -> String {
        do { _ = try open(config); return "no error" } catch { return "\(error)" }
    }

    private static func signal(_ i: Int) -> SignalOrder {
        ManualBan(target: .ip(IPAddress(v4: 0x0A40_0000 + UInt32(i))), durationNs: 86_400 * 1_000_000_000, reason: "stream", origin: "local")
            .signal(at: Timestamp.now())
    }

    /// Bans dropped by a commit that `flush` did not make (here the change feed's, whose
    /// feed row a trigger refuses) make the next flush fail: whoever buffered them is
    /// waiting on that flush to learn whether they are stored, and must not hear yes.
    func testAFlushReportsBansAnotherCommitDropped() throws {
        let (server, config, name) = try freshDatabase("dropped")
        let backend = try open(config, manualClock: true)
        try backend.insert(try signal("192.0.2.1"))
        try backend.flush()
        _ = try server.query(database: name, """
            CREATE TRIGGER refuse BEFORE INSERT ON warden_changes FOR EACH ROW
            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'
            """)
        try backend.insert(try signal("192.0.2.2"))
        XCTAssertThrowsError(try backend.changes(since: 0), "the feed's read commits the batch first, and that commit fails")
        XCTAssertThrowsError(try backend.flush()) { error in
            XCTAssertTrue("\(error)".contains("refused by the test"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("; 1 buffered ban(s) were not stored"), "\(error)")
        }
        try backend.flush()  // reported once
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.1"], "the dropped ban is gone, and the flush said so")
    }

    func testWrongPasswordNeverShowsThePassword() throws {
        let server = try PrivateMariaDB.shared.get()
        let secret = "Wr0ng-S3cret-value"
        let config = server.config(database: "wrongpw", password: secret)
        let message = loadError(config)
        XCTAssertFalse(message.contains(secret), message)
        XCTAssertEqual(
            message,
            "backend \"mysql\" (\(library)): init failed with WARDEN_E_INVALID: mysql: cannot use w_wrongpw on "
                + "127.0.0.1:\(server.port) as 'warden': MySQL error 1045 (28000): Access denied for user "
                + "'warden'@'127.0.0.1' (using password: YES); check that the server runs and "
                + "db_host/db_port/db_socket, db_username, db_password, db_name")
    }

    func testServerDownAtInitNamesHostAndPortAndIsDiscarded() throws {
        let port = 1  // nothing listens there
        let message = loadError(["db_host": "127.0.0.1", "db_port": String(port), "db_username": "warden",
                                 "db_password": "pw", "db_name": "warden", "connect_timeout": "2"])
        XCTAssertTrue(message.hasPrefix(
            "backend \"mysql\" (\(library)): init failed with WARDEN_E_IO: mysql: cannot use warden on 127.0.0.1:1 "
                + "as 'warden': MySQL error 2002 (HY000): Can't connect to server on '127.0.0.1' ("), message)
        XCTAssertFalse(message.contains("pw;") || message.contains("'pw'"), message)
    }

    func testMissingKeysAreNamed() {
        XCTAssertEqual(
            loadError(["db_host": "127.0.0.1", "db_username": "w", "db_password": "x"]),
            "backend \"mysql\" (\(library)): init failed with WARDEN_E_INVALID: missing config key 'db_name': "
                + "name the database, e.g. warden")
        XCTAssertEqual(
            loadError(["db_username": "w", "db_name": "x"]),
            "backend \"mysql\" (\(library)): init failed with WARDEN_E_INVALID: missing config key 'db_host': "
                + "name the server, e.g. 127.0.0.1 (or set db_socket)")
    }

    /// Several servers (a Galera cluster's nodes) are tried in order: a dead first one is passed over.
    func testSeveralHostsSettleOnTheOneThatAnswers() throws {
        let server = try PrivateMariaDB.shared.get()
        var config = server.config(database: "multi-\(UUID().uuidString.prefix(8))")
        config["db_host"] = "127.0.0.1, 127.0.0.1"
        config["db_port"] = "1,\(server.port)"
        let backend = try open(config, manualClock: true)
        try backend.insert(try signal("192.0.2.10"))
        try backend.flush()
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.10"])
        config["db_port"] = "1,2"
        config["connect_timeout"] = "1"
        let message = loadError(config)
        XCTAssertTrue(message.hasPrefix("backend \"mysql\" (\(library)): init failed with WARDEN_E_IO: mysql: cannot use "
            + "\(config["db_name"]!) on 127.0.0.1:1,127.0.0.1:2 as 'warden': MySQL error 2002 (HY000): 127.0.0.1:2: Can't "
            + "connect to server on '127.0.0.1'"), "the last server's error, named: \(message)")
        config["db_port"] = "1,2,3"
        XCTAssertEqual(loadError(config), "backend \"mysql\" (\(library)): init failed with WARDEN_E_INVALID: config key "
            + "'db_port': 3 ports for 2 hosts; give one port, or one per host")
    }

    func testServerRestartInTheMiddleOfAStreamLosesNothing() throws {
        let server = try PrivateMariaDB.shared.get()
        let recorder = LogRecorder()
        let config = server.config(database: "restart-\(UUID().uuidString.prefix(8))")
        let backend = try open(config, logger: recorder.logger(level: .info))
        for i in 0..<2000 {
            try backend.insert(Self.signal(i))
            if i % 500 == 499 { try backend.flush() }
        }
        try server.stop()
        let restart = Thread { usleep(1_500_000); try? server.start() }
        restart.start()
        for i in 2000..<3000 { try backend.insert(Self.signal(i)) }
        try backend.flush()  // retries until the server is back
        for i in 3000..<3500 { try backend.insert(Self.signal(i)) }
        try backend.flush()
        let rows = try open(config).read(at: Timestamp.now())
        XCTAssertEqual(rows.count, 3500, "every ban of the stream must be stored once")
        let outage = recorder.records.filter { $0.level == .warning }.map(\.message)
        XCTAssertEqual(outage.count, 2, "one line when the outage starts, one when it ends: \(outage)")
        XCTAssertTrue(outage.first?.hasPrefix("lost the connection to 127.0.0.1:\(server.port) during flush of 1000 ban(s)") ?? false, "\(outage)")
        XCTAssertTrue(outage.last?.hasPrefix("reconnected to 127.0.0.1:\(server.port) after") ?? false, "\(outage)")
    }

    /// A flush that gives up stores nothing of its batch, now or later: the host reports
    /// the write as failed and its caller sends it again, which must not store it twice.
    func testAFlushThatGivesUpStoresNothingOfItsBatch() throws {
        let server = try PrivateMariaDB.shared.get()
        var config = server.config(database: "giveup-\(UUID().uuidString.prefix(8))")
        config["retry_timeout"] = "1"
        let backend = try open(config)
        for i in 0..<10 { try backend.insert(Self.signal(i)) }
        try server.stop()
        defer { try? server.start() }
        XCTAssertThrowsError(try backend.flush()) { error in
            XCTAssertTrue("\(error)".hasPrefix(
                "backend \"mysql\": flush failed (WARDEN_E_BUSY): mysql: flush of 10 ban(s) failed: 127.0.0.1:\(server.port) "
                    + "stayed unreachable for 1 s (MySQL error 2002 (HY000): Can't connect to server on '127.0.0.1'"), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("retry later; 10 buffered ban(s) were not stored"), "\(error)")
        }
        try server.start()
        try backend.flush()
        XCTAssertEqual(try backend.read(at: Timestamp.now()).count, 0, "the failed batch must not come back")
        for i in 0..<10 { try backend.insert(Self.signal(i)) }
        try backend.flush()
        XCTAssertEqual(try backend.read(at: Timestamp.now()).count, 10, "sent again, it is stored once")
    }

    func testANewerSchemaIsRefused() throws {
        let server = try PrivateMariaDB.shared.get()
        let config = server.config(database: "future-\(UUID().uuidString.prefix(8))")
        try open(config).shutdown()
        try CCompiler.run("mariadb", ["--no-defaults", "--socket=\(server.socket)", "-uroot", config["db_name"]!, "-e",
                                      "UPDATE warden_schema SET version = 99"])
        XCTAssertEqual(
            loadError(config),
            "backend \"mysql\" (\(library)): init failed with WARDEN_E_INVALID: mysql: database '\(config["db_name"]!)' has "
                + "schema version 99, newer than this backend's 6; upgrade warden on this host")
    }

    func testVersion1DatabaseKeepsItsBansAndAnswersPastReads() throws {
        let (server, config, name) = try freshDatabase("v1")
        try open(config).shutdown()
        let t0 = clock.now, s: Int64 = 1_000_000_000, later = t0 + 36_000 * s
        func ban(_ id: Int, _ target: String, createdNs: Int64, endedNs: Int64? = nil) -> String {
            "(\(id), \(id), '\(target)', 1, 'cli', 'ban', 'r\(id)', 'r\(id)', '', '', 0, \(later), \(createdNs), '', 1, 0, "
                + "\(endedNs.map(String.init) ?? "NULL"))"
        }
        // Back to what version 1 left: one delete_all watermark without a time, which ended
        // bans 1 and 2 some time after 60 s; ban 3 came after it and was deleted at 180 s.
        _ = try server.query(database: name, """
            DROP TABLE warden_ended_through; UPDATE warden_schema SET version = 1;
            UPDATE warden_state SET value = 2 WHERE name = 'ended_through';
            INSERT INTO bans(id, signal_uid, target, scope, origin, action, reason, scenario, country, as_name, as_number,
              until_ns, created_ns, signal_message, events_count, simulated, ended_ns) VALUES
              \(ban(1, "192.0.2.1", createdNs: t0)), \(ban(2, "192.0.2.2", createdNs: t0 + 60 * s)),
              \(ban(3, "192.0.2.3", createdNs: t0 + 120 * s, endedNs: t0 + 180 * s)),
              \(ban(4, "192.0.2.4", createdNs: t0 + 240 * s)), \(ban(5, "192.0.2.4", createdNs: t0 + 270 * s));
            """)
        clock.advance(seconds: 300)
        let backend = try open(config, manualClock: true)
        func targets(at t: Int64) throws -> [String] { try backend.read(at: t).map(\.target) }
        XCTAssertEqual(try targets(at: t0 + 30 * s), ["192.0.2.1"], "before delete_all, as created")
        XCTAssertEqual(try targets(at: t0 + 90 * s), [],
                       "the old watermark ended its bans when the last of them was created (60 s)")
        XCTAssertEqual(try targets(at: t0 + 150 * s), ["192.0.2.3"], "a ban deleted later was live then")
        // Before ABI 1.2, ban 5 replaced ban 4 with nothing written: version 5 writes that end.
        XCTAssertEqual(try backend.read(at: clock.now).map(\.reason), ["r5"], "a replaced ban stays ended after version 5")
        XCTAssertEqual(try backend.read(at: t0 + 250 * s).map(\.reason), ["r4"], "and was live before its replacement")
        XCTAssertEqual(try backend.deleteAll(), 1, "only the live ban is counted")
        XCTAssertEqual(try targets(at: clock.now), [])
        XCTAssertEqual(try targets(at: t0 + 250 * s), ["192.0.2.4"], "a new delete_all keeps the past readable")
        // Version 4 gave the old IP bans their address bytes: warden.history/1 finds them by containment.
        XCTAssertEqual(try backend.targetHistory(try .parseIP("192.0.2.3"), sinceNs: nil, now: clock.now),
                       TargetHistory(banCount: 1, activeCount: 0, activeUntilNs: nil))
        // Version 6 added the documents of warden.documents/1.
        XCTAssertEqual(try backend.writeDocument("bouncers", text: "after migration", replacing: 0), 1)
        XCTAssertEqual(try server.query(database: name, "SELECT version FROM warden_schema"), ["6"])
        XCTAssertEqual(try server.query(database: name, "SELECT through_id, at_ns FROM warden_ended_through ORDER BY 1"),
                       ["2\t\(t0 + 60 * s)", "5\t\(clock.now)"], "one timed watermark per delete_all")
    }

    func testPastReadsAfterDeleteAllAndAReplacedBanInItsPlace() throws {
        let (server, config, name) = try freshDatabase("past")
        let backend = try open(config, manualClock: true)
        let t0 = clock.now, s: Int64 = 1_000_000_000
        for target in ["192.0.2.1", "192.0.2.2"] {
            try backend.insert(try signal(target, reason: "first"))
            clock.advance(seconds: 10)
        }
        clock.advance(seconds: 40)
        XCTAssertEqual(try backend.deleteAll(), 2)
        clock.advance(seconds: 60)
        try backend.insert(try signal("192.0.2.3"))
        try backend.insert(try signal("192.0.2.1", reason: "second"))  // the newest id
        clock.advance(seconds: 60)
        XCTAssertEqual(try backend.deleteAll(), 2)
        XCTAssertEqual(try backend.deleteAll(), 0, "nothing live is left")
        func read(at t: Int64) throws -> [String] { try backend.read(at: t).map { "\($0.target) \($0.reason)" } }
        XCTAssertEqual(try read(at: t0 + 15 * s), ["192.0.2.2 first", "192.0.2.1 first"],
                       "192.0.2.1's ban then is its first, the oldest id: it comes last")
        XCTAssertEqual(try read(at: t0 + 60 * s), [], "a delete_all ends its bans at its own time")
        XCTAssertEqual(try read(at: t0 + 150 * s), ["192.0.2.1 second", "192.0.2.3 test"])
        XCTAssertEqual(try read(at: clock.now), [])
        XCTAssertEqual(try server.query(database: name, "SELECT at_ns FROM warden_ended_through ORDER BY through_id"),
                       ["\(t0 + 60 * s)", "\(t0 + 180 * s)"], "a delete_all with no new ban adds no watermark")
    }

    func testASignalTooLongForItsColumnsIsRefusedWholeAndEarlierSignalsStay() throws {
        let (_, config, _) = try freshDatabase("limits")
        let backend = try open(config, manualClock: true)
        try backend.insert(try signal("192.0.2.1"))
        var long = try signal("192.0.2.2")
        long.bans.append(BanOrder(target: try BanTarget.parseIP("192.0.2.3"), untilNs: long.bans[0].untilNs,
                                  reason: String(repeating: "é", count: 1025), scenario: "test", action: "ban", origin: "cli"))
        XCTAssertThrowsError(try backend.insert(long)) { error in
            XCTAssertEqual("\(error)", "backend \"mysql\": insert failed (WARDEN_E_INVALID): mysql: insert: the reason of ban 2 "
                + "of 2 is 1025 characters long; the column holds 1024; the signal was not stored, shorten it")
        }
        long.bans[1].reason = String(repeating: "é", count: 1024)  // 2048 bytes, 1024 characters: fits
        try backend.insert(long)
        try backend.flush()
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.3", "192.0.2.2", "192.0.2.1"])
    }

    func testABatchTheServerRefusesLeavesNothingBehind() throws {
        let (server, config, name) = try freshDatabase("refused")
        try open(config).shutdown()
        _ = try server.query(database: name, """
            CREATE TRIGGER refuse BEFORE INSERT ON bans FOR EACH ROW
            SET NEW.target = IF(NEW.target = '192.0.2.99', NULL, NEW.target)
            """)
        let backend = try open(config, manualClock: true)
        for i in 0..<1500 {  // more than one statement's worth of rows
            try backend.insert(ManualBan(target: .ip(IPAddress(v4: 0x0A00_0000 + UInt32(i))), durationNs: 60_000_000_000, reason: "t")
                .signal(at: clock.now))
        }
        var both = try signal("192.0.2.2")
        both.bans.append(BanOrder(target: try BanTarget.parseIP("192.0.2.99"), untilNs: both.bans[0].untilNs,
                                  reason: "test", scenario: "test", action: "ban", origin: "cli"))
        try backend.insert(both)
        XCTAssertThrowsError(try backend.flush()) { error in
            XCTAssertEqual("\(error)", "backend \"mysql\": flush failed (WARDEN_E_IO): mysql: flush of 1502 ban(s) failed on "
                + "127.0.0.1:\(server.port): MySQL error 1048 (23000): Column 'target' cannot be null - while executing "
                + "`INSERT INTO bans(signal_uid, target, scope, range_start, range_end, origin, action, reason, scenario, "
                + "country, as_name, `; 1502 buffered ban(s) were not stored")
        }
        try backend.insert(try signal("192.0.2.4"))
        try backend.flush()
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.4"],
                       "nothing of the refused batch may stay (its first 1000 rows went in one statement and "
                           + "its last 502 in another), not even in a transaction left open")
    }

    func testTwoWardenProcessesSeeEachOthersBans() throws {
        let server = try PrivateMariaDB.shared.get()
        let folder = try CCompiler.temporaryFolder("two-hosts")
        let config = server.config(database: "hosts-\(UUID().uuidString.prefix(8))")
        for host in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(host)/backends", withIntermediateDirectories: true)
            try "plugin:\n  backend: ./backends\n".write(toFile: "\(folder)/\(host)/config.yaml", atomically: true, encoding: .utf8)
            let lines = config.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
            try "name: shared\npath: \(library)\nconfig:\n\(lines)"
                .write(toFile: "\(folder)/\(host)/backends/mysql.yaml", atomically: true, encoding: .utf8)
        }
        func warden(_ host: String, _ arguments: String...) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BuildProducts.warden)
            process.arguments = ["-c", "\(folder)/\(host)/config.yaml"] + arguments
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "warden \(arguments)")
            return text
        }
        _ = try warden("a", "ban", "add", "ip", "198.51.100.7", "1h", "seen", "by", "a")
        _ = try warden("b", "ban", "add", "range", "2001:db8:7::/48", "1h", "seen", "by", "b")
        let fromB = try warden("b", "ban", "list", "-o", "raw")
        XCTAssertTrue(fromB.contains("cli,198.51.100.7,seen by a,1,ban"), fromB)
        XCTAssertEqual(try warden("a", "ban", "del", "range", "2001:db8:7::/48"), "Deleted 1 ban for 2001:db8:7::/48\n")
        XCTAssertFalse(try warden("b", "ban", "list", "-o", "raw").contains("2001:db8:7::/48"))
    }
}
