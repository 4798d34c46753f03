import Foundation
import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest

/// Behaviour only the MySQL backend has, against a real private MariaDB server.
final class MySQLBackendTests: XCTestCase {
    private let library = BuildProducts.library("warden-backend-mysql")
    private let clock = ManualClock()

    private func open(_ config: [String: String], logger: Logger? = nil) throws -> LoadedBackend {
        let file = BackendConfigFile(name: "mysql", libraryPath: library, config: config, file: "t")
        return try BanStore.load(
            file, injected: ["flush": "false"], logger: logger ?? Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
            clock: { Timestamp.now() }, allowUnsafeFiles: false)
    }

    private func loadError(_ config: [String: String]) -> String {
        do { _ = try open(config); return "no error" } catch { return "\(error)" }
    }

    private static func signal(_ i: Int) -> SignalOrder {
        .oneBan(.ip(IPAddress(v4: 0x0A40_0000 + UInt32(i))), now: Timestamp.now(), seconds: 86_400, reason: "stream",
                origin: "local")
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

    func testAFlushThatGivesUpKeepsItsBatchForTheNextFlush() throws {
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
            XCTAssertTrue("\(error)".hasSuffix("nothing was lost from this batch, retry later"), "\(error)")
        }
        try server.start()
        try backend.flush()
        XCTAssertEqual(try backend.read(at: Timestamp.now()).count, 10, "the batch must survive a failed flush")
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
                + "schema version 99, newer than this backend's 1; upgrade warden on this host")
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
