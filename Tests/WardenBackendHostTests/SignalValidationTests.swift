import CWardenBackend
import Logging
import WardenBackendHost
import WardenModel
import WardenTesting
import XCTest

/// The SDK refuses a signal with a malformed ban before a Swift backend sees it,
/// so `insert` stays all or nothing; each message is pinned here (through dummy).
final class SignalValidationTests: XCTestCase {
    private func insertError(alteringSecondBan alter: @escaping (inout warden_ban_t) -> Void) throws -> BackendCallError? {
        let backend = try LoadedBackend(
            name: "dummy", library: BackendLibrary.open(BuildProducts.library("warden-backend-dummy"), allowUnsafeFiles: true),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, clock: { 1_000 })
        try backend.configure(["store": "validation-\(UUID().uuidString)"])
        let bans = try ["192.0.2.1", "192.0.2.2"].map {
            BanOrder(target: try BanTarget.parseIP($0), untilNs: 61_000_000_000, reason: "r", scenario: "r", action: "ban", origin: "cli")
        }
        let signal = SignalOrder(
            scenario: "r", message: "m", source: "192.0.2.1", eventsCount: 1, startNs: 1_000, stopNs: 1_000, createdNs: 1_000,
            bans: bans)
        do throws(BackendCallError) {
            try backend.insert(signal) { index, ban in if index == 1 { alter(&ban) } }
            return nil
        } catch {
            XCTAssertEqual(try backend.read(at: 1_000).count, 0, "a refused signal stored a ban")
            return error
        }
    }

    func testUnknownScope() throws {
        let error = try insertError { $0.scope = 7 }
        XCTAssertEqual(error?.status, WARDEN_E_INVALID)
        XCTAssertEqual(
            error?.message,
            "insert: ban 2 of 2 has scope 7, which is neither WARDEN_SCOPE_IP (1) nor WARDEN_SCOPE_RANGE (2); "
                + "the signal was not stored, send it again with a valid scope")
    }

    func testEmptyTarget() throws {
        let error = try insertError { $0.target = warden_str_t(ptr: nil, len: 0) }
        XCTAssertEqual(error?.status, WARDEN_E_INVALID)
        XCTAssertEqual(
            error?.message,
            "insert: ban 2 of 2 has an empty target; the signal was not stored, send it again with the target's "
                + "canonical text")
    }
}
