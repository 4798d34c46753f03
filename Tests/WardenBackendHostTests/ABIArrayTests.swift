import CSQLite
import CWardenBackend
import Foundation
import Logging
import WardenBackendHost
import WardenConfig
import WardenModel
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// The append-only promise for arrays (`warden_backend.h`, VERSIONING), tested the way
/// it broke: a host of another 1.x minor lays its bans and events out at its own size,
/// and every shipped backend and example must read each element through the stride.
/// Sizes below ABI 1.0's are refused with one message, whoever wrote the backend.
final class ABIArrayTests: XCTestCase {
    /// A backend under test: its library, how to configure an instance on a storage id,
    /// and, when it keeps events, how to read them back from that storage.
    private struct Subject {
        var name: String
        var library: String
        var config: (String) -> [String: String]
        var storedEvents: ((String) throws -> [String])?
    }

    private let now: Int64 = 1_700_000_000_000_000_000
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func testDummyBackend() throws {
        try checkAll(Subject(name: "dummy", library: BuildProducts.library("warden-backend-dummy"),
                             config: { ["store": "abi-" + $0] }, storedEvents: nil))
    }

    func testSQLiteBackend() throws {
        let folder = try CCompiler.temporaryFolder("sqlite-abi")
        try checkAll(Subject(
            name: "sqlite", library: BuildProducts.library("warden-backend-sqlite"),
            config: { ["db_path": "\(folder)/\($0).db"] },
            storedEvents: { try Self.sqliteEvents("\(folder)/\($0).db") }))
    }

    func testMySQLBackendOnAPrivateMariaDB() throws {
        let server = try PrivateMariaDB.shared.get()
        try checkAll(Subject(
            name: "mysql", library: BuildProducts.library("warden-backend-mysql"),
            config: { server.config(database: "abi_" + $0) },
            storedEvents: {
                try server.query(database: "abi_" + $0, "SELECT time_ns, source, serialized FROM events ORDER BY time_ns")
            }))
    }

    func testCExampleBackend() throws {
        try checkAll(Subject(name: "c-example", library: try CCompiler.cExample.get(),
                             config: { ["store": $0] }, storedEvents: nil))
    }

    func testCppExampleBackend() throws {
        try checkAll(Subject(name: "cpp-example", library: try CCompiler.cppExample.get(),
                             config: { ["store": $0] }, storedEvents: nil))
    }

    func testRustExampleBackend() throws {
        guard let built = CCompiler.rustExample else { throw XCTSkip("no cargo on this machine: the Rust example was not built") }
        try checkAll(Subject(name: "rust-example", library: try built.get(), config: { ["store": $0] }, storedEvents: nil))
    }

    func testSDKRefusesANullSignal() throws {
        let raw = try RawHost.configured(
            library: BuildProducts.library("warden-backend-dummy"), hostSize: WARDEN_HOST_V1_0_SIZE,
            config: ["store": "null-signal"])
        XCTAssertEqual(raw.insertNull(), RawHost.Outcome(
            status: WARDEN_E_ABI,
            message: "the host passed a NULL signal; a host must pass one; report the bug to the host's authors"))
    }

    // MARK: - The checks every backend passes

    private func checkAll(_ subject: Subject) throws {
        for layout in [Layout.v1_1, Layout.v1_0] {
            try checkRoundTrip(subject, layout)
        }
        try checkTooSmallSignals(subject)
        try checkTooSmallHost(subject)
    }

    /// A signal of three bans (an IPv4 address, an IPv6 address, an IPv4 range) and three
    /// events, with every member set and every text distinct.
    private func signal() throws -> SignalOrder {
        let bans = try [
            ("192.0.2.17", "crowdsecurity/ssh-bf", "ssh bruteforce", "ban", "cli", "FR", "Example Net", Int64(64500)),
            ("2001:db8::42", "crowdsecurity/http-probing", "http probing", "captcha", "local", "DE", "Beispiel AG", 64501),
            ("198.51.100.0/24", "manual", "a whole block", "slow", "api", "", "", 0),
        ].enumerated().map { i, b in
            BanOrder(
                target: b.0.contains("/") ? try BanTarget.parseRange(b.0) : try BanTarget.parseIP(b.0),
                untilNs: now + Int64(i + 1) * 3_600_000_000_000, reason: b.2, scenario: b.1, action: b.3, origin: b.4,
                country: b.5, asName: b.6, asNumber: b.7)
        }
        let events = (0..<3).map { i in
            SignalOrder.Event(timeNs: now - Int64(3 - i) * 1_000_000_000, source: "192.0.2.\(17 + i)",
                              serialized: #"{"line":\#(i),"service":"sshd"}"#)
        }
        return SignalOrder(
            scenario: "crowdsecurity/ssh-bf", message: "three bans from one signal", source: "192.0.2.17",
            eventsCount: 3, startNs: now - 3_000_000_000, stopNs: now - 1_000_000_000, createdNs: now, bans: bans,
            events: events, labels: ["remediation": "true", "type": "bruteforce"])
    }

    /// The rows `read_at` must return for `order` alone, ids left out, sorted by target.
    private func expectedRows(_ order: SignalOrder, backend: String) -> [Ban] {
        order.bans.map { b in
            Ban(id: 0, scope: b.target.scopeName, target: b.target.description, origin: b.origin, action: b.action,
                reason: b.reason, scenario: b.scenario, country: b.country, asName: b.asName, asNumber: b.asNumber,
                untilNs: b.untilNs, createdNs: order.createdNs, banCount: 1, eventsCount: order.eventsCount,
                backend: backend)
        }.sorted { $0.target < $1.target }
    }

    /// What the real host reads back from storage `id`, ids checked then left out.
    private func readBack(_ subject: Subject, _ id: String) throws -> [Ban] {
        let file = BackendConfigFile(name: subject.name, libraryPath: subject.library, config: subject.config(id), file: "t")
        let now = self.now
        let backend = try BanStore.load(file, injected: ["flush": "false"], logger: logger, clock: { now },
                                        allowUnsafeFiles: true)
        let rows = try backend.read(at: now)
        XCTAssertTrue(rows.allSatisfy { $0.id > 0 } && Set(rows.map(\.id)).count == rows.count,
                      "\(subject.name): ids must be > 0 and unique: \(rows.map(\.id))")
        return rows.map { var row = $0; row.id = 0; return row }.sorted { $0.target < $1.target }
    }

    /// A host of `layout` inserts one signal; every ban comes back intact, every event is kept.
    private func checkRoundTrip(_ subject: Subject, _ layout: Layout) throws {
        let id = "v\(layout.name.replacingOccurrences(of: ".", with: "_"))_\(UInt32.random(in: 0...UInt32.max))"
        let order = try signal()
        let raw = try RawHost.configured(library: subject.library, hostSize: layout.hostSize, config: subject.config(id))
        XCTAssertEqual(raw.insert(SignalImage(order, layout: layout)), .ok, "\(subject.name) refused the \(layout)")
        XCTAssertEqual(raw.flush(), .ok)
        XCTAssertEqual(try readBack(subject, id), expectedRows(order, backend: subject.name),
                       "\(subject.name) read the bans of the \(layout) wrong")
        if let storedEvents = subject.storedEvents {
            XCTAssertEqual(try storedEvents(id), order.events.map { "\($0.timeNs)\t\($0.source)\t\($0.serialized)" },
                           "\(subject.name) read the events of the \(layout) wrong")
        }
    }

    /// Each size below ABI 1.0's is refused with its message, and nothing of it is stored;
    /// an empty array's stride is not looked at.
    private func checkTooSmallSignals(_ subject: Subject) throws {
        let id = "small_\(UInt32.random(in: 0...UInt32.max))"
        let raw = try RawHost.configured(library: subject.library, hostSize: WARDEN_HOST_V1_0_SIZE, config: subject.config(id))
        let order = try signal()
        let rebuild = "rebuild the host against warden_backend.h 1.x"
        let cases: [(member: String, shrink: (inout warden_signal_t) -> Void, message: String)] = [
            ("struct_size", { $0.struct_size = 136 },
             "the host sent a signal of 136 bytes; ABI 1.0 signals are at least 152 bytes; \(rebuild)"),
            ("ban_stride", { $0.ban_stride = 160 },
             "the host sent bans 160 bytes apart (ban_stride); ABI 1.0 bans are at least 168 bytes; \(rebuild)"),
            ("event_stride", { $0.event_stride = 40 },
             "the host sent events 40 bytes apart (event_stride); ABI 1.0 events are at least 48 bytes; \(rebuild)"),
        ]
        for c in cases {
            let image = SignalImage(order, layout: .v1_0)
            c.shrink(&image.signal.pointee)
            XCTAssertEqual(raw.insert(image), RawHost.Outcome(status: WARDEN_E_ABI, message: c.message),
                           "\(subject.name), \(c.member) too small")
        }
        var quiet = order
        quiet.events = []
        let image = SignalImage(quiet, layout: .v1_0)
        image.signal.pointee.event_stride = 0
        XCTAssertEqual(raw.insert(image), .ok, "\(subject.name) looked at the stride of an empty events array")
        XCTAssertEqual(raw.flush(), .ok)
        XCTAssertEqual(try readBack(subject, id), expectedRows(quiet, backend: subject.name),
                       "\(subject.name): only the signal with no events may be stored")
    }

    /// `New` refuses a host struct below ABI 1.0's.
    private func checkTooSmallHost(_ subject: Subject) throws {
        guard case .failure(let outcome) = try RawHost.new(library: subject.library, hostSize: 32) else {
            return XCTFail("\(subject.name) accepted a 32-byte warden_host_t")
        }
        XCTAssertEqual(outcome, RawHost.Outcome(
            status: WARDEN_E_ABI,
            message: "\(subject.name): the host passed a warden_host_t of 32 bytes; ABI 1.0 hosts pass at least 40 bytes; "
                + "rebuild the host against warden_backend.h 1.x"))
    }

    /// The events table of a SQLite file, as "time source serialized" lines.
    private static func sqliteEvents(_ path: String) throws -> [String] {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK,
              sqlite3_prepare_v2(db, "SELECT time_ns, source, serialized FROM events ORDER BY time_ns", -1, &statement, nil)
                == SQLITE_OK
        else { throw CCompiler.Failure(description: "cannot read the events of \(path)") }
        defer { sqlite3_finalize(statement) }
        var lines: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            lines.append("\(sqlite3_column_int64(statement, 0))\t\(String(cString: sqlite3_column_text(statement, 1)))\t"
                + String(cString: sqlite3_column_text(statement, 2)))
        }
        return lines
    }
}
