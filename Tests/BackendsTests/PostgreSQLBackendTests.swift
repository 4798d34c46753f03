import Foundation
import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// Behaviour only the PostgreSQL backend has, against a real private PostgreSQL cluster.
final class PostgreSQLBackendTests: XCTestCase {
    private let library = BuildProducts.library("warden-backend-postgresql")
    private let clock = ManualClock()

    /// An instance on `config`, on the real clock, or on ``clock`` when `manualClock`.
    private func open(_ config: [String: String], logger: Logger? = nil, manualClock: Bool = false) throws
        -> LoadedBackend
    {
        let file = BackendConfigFile(name: "postgresql", libraryPath: library, config: config, file: "t")
        let logger = logger ?? Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }
        if manualClock {
            return try BanStore.load(
                file, injected: ["flush": "false"], logger: logger, clock: clock.closure, allowUnsafeFiles: false)
        }
        return try BanStore.load(
            file, injected: ["flush": "false"], logger: logger, clock: { Timestamp.now() }, allowUnsafeFiles: false)
    }

    /// A fresh database's config and name.
    private func freshDatabase(_ prefix: String) throws -> (server: PrivatePostgreSQL, config: [String: String], name: String) {
        let server = try PrivatePostgreSQL.shared.get()
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

    func testWrongPasswordNeverShowsThePassword() throws {
        let server = try PrivatePostgreSQL.shared.get()
        let secret = "Wr0ng-S3cret-value"
        let message = loadError(server.config(database: "wrongpw", password: secret))
        XCTAssertFalse(message.contains(secret), message)
        XCTAssertEqual(
            message,
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_IO: postgresql: cannot use w_wrongpw on "
                + "127.0.0.1:\(server.port) as 'warden': PostgreSQL error: connection to server at \"127.0.0.1\", port "
                + "\(server.port) failed: FATAL:  password authentication failed for user \"warden\"; check that the "
                + "server runs and db_host/db_port, db_username, db_password, db_name, sslmode")
    }

    func testServerDownAtInitNamesHostAndPortAndIsDiscarded() throws {
        let message = loadError(["db_host": "127.0.0.1", "db_port": "1", "db_username": "warden",
                                 "db_password": "pw", "db_name": "warden", "connect_timeout": "2"])
        XCTAssertTrue(message.hasPrefix(
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_IO: postgresql: cannot use warden on 127.0.0.1:1 "
                + "as 'warden': PostgreSQL error: connection to server at \"127.0.0.1\", port 1 failed: Connection refused"),
            message)
        XCTAssertFalse(message.contains("pw;") || message.contains("'pw'"), message)
    }

    /// `sslmode` reaches libpq: requiring TLS of a server that has none is refused, not downgraded.
    func testRequiredTLSIsNeverDowngraded() throws {
        let server = try PrivatePostgreSQL.shared.get()
        var config = server.config(database: "tls")
        config["sslmode"] = "require"
        XCTAssertEqual(
            loadError(config),
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_IO: postgresql: cannot use w_tls on "
                + "127.0.0.1:\(server.port) as 'warden': PostgreSQL error: connection to server at \"127.0.0.1\", port "
                + "\(server.port) failed: server does not support SSL, but SSL was required; check that the server runs "
                + "and db_host/db_port, db_username, db_password, db_name, sslmode")
    }

    func testMissingAndMismatchedKeysAreNamed() {
        XCTAssertEqual(
            loadError(["db_host": "127.0.0.1", "db_username": "w", "db_password": "x"]),
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_INVALID: missing config key 'db_name': "
                + "name the database, e.g. warden")
        XCTAssertEqual(
            loadError(["db_username": "w", "db_name": "x"]),
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_INVALID: missing config key 'db_host': "
                + "name the server, e.g. 127.0.0.1, or several: db1,db2")
        XCTAssertEqual(
            loadError(["db_host": "a,b,c", "db_port": "5432,5433", "db_username": "w", "db_name": "x"]),
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_INVALID: config key 'db_port': 2 ports for 3 "
                + "hosts; give one port, or one per host")
        XCTAssertEqual(
            loadError(["db_host": "a,,b", "db_username": "w", "db_name": "x"]),
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_INVALID: config key 'db_host': 'a,,b' has an "
                + "empty host; separate hosts with one comma")
    }

    /// libpq tries the hosts in order: a dead first host is passed over, at init and after.
    func testSeveralHostsSettleOnTheOneThatAnswers() throws {
        let server = try PrivatePostgreSQL.shared.get()
        var config = server.config(database: "multi-\(UUID().uuidString.prefix(8))")
        config["db_host"] = "127.0.0.1,127.0.0.1"
        config["db_port"] = "1,\(server.port)"
        let backend = try open(config, manualClock: true)
        try backend.insert(try signal("192.0.2.10"))
        try backend.flush()
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.10"])
    }

    func testTheDatabaseIsCreatedInUTF8() throws {
        let (server, config, name) = try freshDatabase("created")
        let backend = try open(config, manualClock: true)
        try backend.insert(try signal("192.0.2.1", reason: "déjà vu \u{1F6AB}"))
        try backend.flush()
        XCTAssertEqual(try server.query(database: name, "SELECT pg_encoding_to_char(encoding) FROM pg_database "
                                                        + "WHERE datname = current_database()"), ["UTF8"])
        XCTAssertEqual(try open(config).read(at: clock.now).map(\.reason), ["déjà vu \u{1F6AB}"])
    }

    func testTextPostgreSQLCannotHoldIsRefusedWholeAndEarlierSignalsStay() throws {
        let (_, config, _) = try freshDatabase("nul")
        let backend = try open(config, manualClock: true)
        try backend.insert(try signal("192.0.2.1"))
        var bad = try signal("192.0.2.2")
        bad.bans.append(BanOrder(target: try BanTarget.parseIP("192.0.2.3"), untilNs: bad.bans[0].untilNs,
                                 reason: "before\u{0}after", scenario: "test", action: "ban", origin: "cli"))
        XCTAssertThrowsError(try backend.insert(bad)) { error in
            XCTAssertEqual("\(error)", "backend \"postgresql\": insert failed (WARDEN_E_INVALID): postgresql: insert: the "
                + "reason of ban 2 of 2 holds a NUL character (byte 7), which PostgreSQL text cannot store; the signal was "
                + "not stored, remove the character")
        }
        bad.bans[1].reason = "tab\there, newline\nthere, back\\slash"  // COPY's own escapes
        try backend.insert(bad)
        try backend.flush()
        XCTAssertEqual(try backend.read(at: clock.now).map(\.reason),
                       ["tab\there, newline\nthere, back\\slash", "test", "test"])
    }

    func testServerRestartInTheMiddleOfAStreamLosesNothing() throws {
        let server = try PrivatePostgreSQL.shared.get()
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
        let server = try PrivatePostgreSQL.shared.get()
        var config = server.config(database: "giveup-\(UUID().uuidString.prefix(8))")
        config["retry_timeout"] = "1"
        let backend = try open(config)
        for i in 0..<10 { try backend.insert(Self.signal(i)) }
        try server.stop()
        defer { try? server.start() }
        XCTAssertThrowsError(try backend.flush()) { error in
            XCTAssertTrue("\(error)".hasPrefix(
                "backend \"postgresql\": flush failed (WARDEN_E_BUSY): postgresql: flush of 10 ban(s) failed: no host of "
                    + "127.0.0.1:\(server.port) took it for 1 s (PostgreSQL error: connection to server at \"127.0.0.1\", "
                    + "port \(server.port) failed: Connection refused"), "\(error)")
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
        let (server, config, name) = try freshDatabase("future")
        try open(config).shutdown()
        _ = try server.query(database: name, "UPDATE warden_schema SET version = 99")
        XCTAssertEqual(
            loadError(config),
            "backend \"postgresql\" (\(library)): init failed with WARDEN_E_INVALID: postgresql: database '\(config["db_name"]!)' "
                + "has schema version 99, newer than this backend's 2; upgrade warden on this host")
    }

    func testASchemaVersion1DatabaseGetsTheDocumentsTable() throws {
        let (server, config, name) = try freshDatabase("version1")
        try open(config).shutdown()
        _ = try server.query(database: name, "DROP TABLE warden_documents; UPDATE warden_schema SET version = 1")
        let backend = try open(config)
        XCTAssertEqual(try backend.writeDocument("bouncers", text: "after migration", replacing: 0), 1)
        try backend.shutdown()
        XCTAssertEqual(try server.query(database: name, "SELECT version FROM warden_schema"), ["2"])
    }

    /// Hosts that start together on an empty database take turns creating it: all succeed.
    func testHostsStartingTogetherAllCreateTheSchema() throws {
        let (_, config, _) = try freshDatabase("together")
        let failures = NSLock()
        nonisolated(unsafe) var messages: [String] = []
        let file = BackendConfigFile(name: "postgresql", libraryPath: library, config: config, file: "t")
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                try BanStore.load(file, injected: ["flush": "false"], logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
                                  clock: { Timestamp.now() }, allowUnsafeFiles: false).shutdown()
            } catch {
                failures.withLock { messages.append("\(error)") }
            }
        }
        XCTAssertEqual(messages, [])
    }

    func testABatchTheServerRefusesLeavesNothingBehind() throws {
        let (server, config, name) = try freshDatabase("refused")
        try open(config).shutdown()
        _ = try server.query(database: name, """
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.target = '192.0.2.99' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON bans FOR EACH ROW EXECUTE FUNCTION refuse();
            """)
        let backend = try open(config, manualClock: true)
        for i in 0..<1500 {
            try backend.insert(ManualBan(target: .ip(IPAddress(v4: 0x0A00_0000 + UInt32(i))), durationNs: 60_000_000_000, reason: "t")
                .signal(at: clock.now))
        }
        var both = try signal("192.0.2.2")
        both.bans.append(BanOrder(target: try BanTarget.parseIP("192.0.2.99"), untilNs: both.bans[0].untilNs,
                                  reason: "test", scenario: "test", action: "ban", origin: "cli"))
        try backend.insert(both)
        XCTAssertThrowsError(try backend.flush()) { error in
            // The server quotes the refused row (its random signal uid first) after "line 1502: ".
            XCTAssertTrue("\(error)".hasPrefix("backend \"postgresql\": flush failed (WARDEN_E_IO): postgresql: flush of 1502 "
                + "ban(s) failed on 127.0.0.1:\(server.port): PostgreSQL error (P0001): ERROR:  refused by the test; CONTEXT:  "
                + "PL/pgSQL function refuse() line 2 at RAISE; COPY bans, line 1502: \""), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix(" - while executing `COPY bans(signal_uid, target, scope, range_start, range_end, "
                + "origin, action, reason, scenario, country, as_name, as_numb`; 1502 buffered ban(s) were not stored"), "\(error)")
        }
        try backend.insert(try signal("192.0.2.4"))
        try backend.flush()
        XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.4"],
                       "nothing of the refused batch may stay, not even in a transaction left open")
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
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON warden_changes FOR EACH ROW EXECUTE FUNCTION refuse();
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

    func testTwoWardenProcessesSeeEachOthersBans() throws {
        let server = try PrivatePostgreSQL.shared.get()
        let folder = try CCompiler.temporaryFolder("two-hosts-pg")
        let config = server.config(database: "hosts-\(UUID().uuidString.prefix(8))")
        for host in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: "\(folder)/\(host)/backends", withIntermediateDirectories: true)
            try "plugin:\n  backend: ./backends\n".write(toFile: "\(folder)/\(host)/config.yaml", atomically: true, encoding: .utf8)
            let lines = config.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
            try "name: shared\npath: \(library)\nconfig:\n\(lines)"
                .write(toFile: "\(folder)/\(host)/backends/postgresql.yaml", atomically: true, encoding: .utf8)
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
