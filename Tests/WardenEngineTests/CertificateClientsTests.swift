import Foundation
import Logging
import WardenBouncers
import WardenEngine
import WardenMachines
import WardenTesting
import XCTest

/// Clients a verified TLS certificate names: registered as `CN@ADDRESS` with auth type tls
/// on first use, kept apart from the clients of keys and passwords, and written to the
/// bouncers and machines files in a form the next load reads back.
final class CertificateClientsTests: XCTestCase {
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    private var folder = ""
    private let now: Int64 = 1_796_688_000 * 1_000_000_000

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "warden-certificate-clients-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testABouncerIsRegisteredOnItsFirstRequestAndKeptApartFromKeys() throws {
        let keys = BouncerKeyFile(path: folder + "/bouncers")
        let key = try keys.add(name: "fw@192.0.2.9", key: nil, now: now)
        let registry = try BouncerRegistry(path: folder + "/bouncers", logger: logger)
        XCTAssertEqual(registry.authenticate(certificateName: "fw", address: "192.0.2.1", userAgent: "fw/1", now: now), "fw@192.0.2.1")
        XCTAssertEqual(registry.authenticate(certificateName: "fw", address: "192.0.2.1", userAgent: "fw/1", now: now), "fw@192.0.2.1",
                       "the second request finds it")
        XCTAssertEqual(try keys.load().map { "\($0.name) \($0.authType.rawValue)" }, ["fw@192.0.2.9 api-key", "fw@192.0.2.1 tls"])
        XCTAssertNil(registry.authenticate(certificateName: "fw", address: "192.0.2.9", userAgent: "fw/1", now: now),
                     "a certificate never takes over a bouncer of a key")
        XCTAssertEqual(registry.authenticate(key: key, address: "192.0.2.9", userAgent: "fw/1", now: now), "fw@192.0.2.9")
        let tlsDigest = try XCTUnwrap(keys.load().last?.keyDigest)
        XCTAssertEqual(tlsDigest.count, 128, "a random key's digest, as LAPI stores for it")
        XCTAssertThrowsError(try keys.addCertificateBouncer(name: "my bouncer@192.0.2.1", now: now)) {
            XCTAssertEqual("\($0)", "'my bouncer@192.0.2.1' is not a valid bouncer name: the certificate's CN must be letters, digits, '-', '_' or '.'")
        }
    }

    func testAMachineIsRegisteredValidatedOnItsFirstLoginAndNoPasswordLogsItIn() throws {
        let file = MachineFile(path: folder + "/machines")
        try file.add(name: "agent1@192.0.2.9", password: "a-password", validated: true, now: now)
        let registry = try MachineRegistry(path: folder + "/machines", logger: logger)
        let first = registry.login(certificateName: "agent1", scenarios: ["a/b"], address: "192.0.2.1", userAgent: "crowdsec/v1.4.6", now: now)
        XCTAssertEqual(first.name, "agent1@192.0.2.1")
        XCTAssertNil(first.refusal)
        let record = try XCTUnwrap(file.load().last)
        XCTAssertEqual(record.name, "agent1@192.0.2.1")
        XCTAssertTrue(record.validated)
        XCTAssertEqual(record.authType, .tls)
        XCTAssertEqual(
            registry.login(name: "agent1@192.0.2.1", password: "guess", scenarios: [], address: "192.0.2.1", userAgent: "crowdsec/v1.4.6", now: now)?.message,
            "machine agent1@192.0.2.1 attempted to auth with password but it is configured to use tls")
        XCTAssertEqual(
            registry.login(certificateName: "agent1", scenarios: [], address: "192.0.2.9", userAgent: "crowdsec/v1.4.6", now: now).refusal?.message,
            "machine agent1@192.0.2.9 attempted to auth with TLS cert but it is configured to use password")
        XCTAssertEqual(
            registry.login(certificateName: "agent1", scenarios: [], address: "192.0.2.1", userAgent: "curl", now: now).refusal?.message,
            "incorrect Username or Password", "the user agent rule holds for certificates too")
        XCTAssertNil(registry.login(
            name: "agent1@192.0.2.9", password: "a-password", scenarios: [], address: "192.0.2.9", userAgent: "crowdsec/v1.4.6", now: now))
    }

    /// A certificate's first login whose machine cannot be written is refused as LAPI
    /// refuses a failed login, and the reason is logged, not sent.
    func testAMachineThatCannotBeRegisteredIsRefused() throws {
        let records = LogRecorder()
        let registry = try MachineRegistry(path: folder + "/machines", logger: records.logger())
        try FileManager.default.removeItem(atPath: folder)
        let login = registry.login(certificateName: "agent1", scenarios: [], address: "192.0.2.1", userAgent: "crowdsec/v1.4.6", now: now)
        XCTAssertEqual(login.refusal?.kind, .registrationFailed)
        XCTAssertEqual(login.refusal?.message, "incorrect Username or Password")
        XCTAssertEqual(records.records.map(\.message), [
            "cannot register machine 'agent1@192.0.2.1' from its client certificate: cannot lock \(folder)/machines.lock: "
                + "No such file or directory; check the folder exists and is writable",
        ])
    }

    /// Files of earlier versions (no auth type column) read as keys and passwords; a line
    /// with an unknown auth type is refused with the line.
    func testTheAuthTypeColumn() throws {
        let path = folder + "/bouncers"
        let digest = String(repeating: "a", count: 128)
        try "old\t\(digest)\t2026-11-23T12:00:00Z\nnew\t\(digest.uppercased().lowercased())\t2026-11-23T12:00:00Z\ttls\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try BouncerKeyFile(path: path).load().map(\.authType), [.apiKey, .tls])
        try "odd\t\(digest)\t2026-11-23T12:00:00Z\tkerberos\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try BouncerKeyFile(path: path).load()) {
            XCTAssertEqual("\($0)", "\(path):1: not a bouncer line (name, TAB, 128 hex digits, TAB, RFC 3339 time, optionally TAB and 'tls'); fix or delete the line")
        }
        let machines = folder + "/machines"
        try "m\t$2a$10$abcdefghijklmnopqrstuu\tvalidated\t2026-11-23T12:00:00Z\tkerberos\n".write(toFile: machines, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MachineFile(path: machines).load()) {
            XCTAssertEqual("\($0)", "\(machines):1: not a machine line (name, TAB, bcrypt hash, TAB, validated or pending, TAB, RFC 3339 time, optionally TAB and 'tls'); fix or delete the line")
        }
    }
}
