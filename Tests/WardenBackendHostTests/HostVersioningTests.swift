import Logging
import WardenBackendHost
import WardenModel
import WardenStore
import XCTest
import WardenTestSupport

/// The host's side of the versioning rules (`warden_backend.h`, VERSIONING), against
/// fault modes of `Tests/Fixtures/broken_backend.c`: what it writes, and what it
/// accepts or refuses to read.
final class HostVersioningTests: XCTestCase {
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private func instance(_ define: String) throws -> LoadedBackend {
        let library = try BackendLibrary.open(try CCompiler.brokenBackend(define), allowUnsafeFiles: false)
        let backend = try LoadedBackend(name: "x", library: library, logger: logger, clock: { 0 })
        try backend.configure([:])
        return backend
    }

    func testRowSmallerThanABI1_0StopsTheStreamWithAnError() throws {
        // The fixture fails differently when the host's sink does not stop after the row.
        XCTAssertThrowsError(try instance("SHORT_ROW").read(at: 0)) { error in
            XCTAssertEqual(
                "\(error)",
                "backend \"x\": read_at failed (WARDEN_E_ABI): it returned a row of 128 bytes; ABI 1.0 rows are at "
                    + "least 168 bytes; rebuild it against warden_backend.h 1.x")
        }
    }

    func testRowsOfALaterMinorAreReadIntact() throws {
        let rows = try instance("LONG_ROW").read(at: 0)
        XCTAssertEqual(rows, [(Int64(1), "192.0.2.1"), (Int64(2), "2001:db8::2")].map { id, target in
            Ban(id: id, scope: "Ip", target: target, origin: "cli", action: "ban", reason: "long row",
                scenario: "test/long-row", country: "NL", asName: "Example AS", asNumber: 64496 + id,
                untilNs: 7_000_000_000_000_000_000 + id, createdNs: 1000 + id, banCount: 2 + id, eventsCount: 5 + id,
                backend: "x")
        })
    }

    func testMaintenanceTableSmallerThanVersion1IsAnError() throws {
        XCTAssertThrowsError(try instance("SHORT_EXTENSION").runMaintenance(now: 0)) { error in
            XCTAssertEqual(
                "\(error)",
                "backend \"x\": maintenance failed (WARDEN_E_ABI): its warden.maintenance/1 table is 8 bytes; "
                    + "version 1 tables are at least 16 bytes; rebuild it against warden_backend.h 1.x")
        }
    }

    func testSignalCarriesStridesEventsAndLabels() throws {
        let target = try BanTarget.parseIP("192.0.2.1"), range = try BanTarget.parseRange("2001:db8::/32")
        let bans = [target, range].map {
            BanOrder(target: $0, untilNs: 10, reason: "r", scenario: "s", action: "ban", origin: "cli")
        }
        let signal = SignalOrder(
            scenario: "s", message: "m", source: "192.0.2.1", eventsCount: 2, startNs: 1, stopNs: 2, createdNs: 3,
            bans: bans,
            events: [.init(timeNs: 1, source: "192.0.2.1", serialized: #"{"n":1}"#), .init(timeNs: 2, source: "", serialized: "")],
            labels: ["type": "bruteforce", "remediation": "true"])
        // INSERT_ECHOES fails every insert with what it read, the way the header asks a backend to read.
        XCTAssertThrowsError(try instance("INSERT_ECHOES").insert(signal)) { error in
            XCTAssertEqual(
                "\(error)",
                "backend \"x\": insert failed (WARDEN_E_INVALID): signal 152; bans 2 x 168: [168 192.0.2.1] "
                    + #"[168 2001:db8::/32]; events 2 x 48: [48 1 192.0.2.1 {"n":1}] [48 2  ]; "#
                    + "labels 2: remediation=true type=bruteforce")
        }
    }
}
