import Foundation
import WardenConfig
import XCTest

@testable import WardenCertificates

/// Which client certificates identify which clients: OU, CN, dates, the revocation list
/// (PEM, DER, another CA's, unreadable, malformed) and how long a verdict is kept. The
/// fixtures (Tests/Fixtures/tls) were made by Tests/clients/test-pki.sh: a CA "Warden test
/// CA" that issued fw (OU bouncer-ou, serial 0x1001), agent1 (agent-ou, 0x1002), revoked
/// (bouncer-ou, 0x1003, in ca.crl and ca.crl.der) and nocn (bouncer-ou, no CN); and
/// other-ca.crl, in which "Another test CA" revokes its own serial 0x1003.
final class ClientCertificateCheckTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tls").path
    /// 2026-12-08T00:00:00Z: within every fixture's validity.
    private let now: Int64 = 1_796_688_000 * 1_000_000_000

    private func der(_ name: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: "\(fixtures)/\(name).pem", encoding: .utf8)
        let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(try XCTUnwrap(Data(base64Encoded: body)))
    }

    private func check(crl: String? = nil, _ change: (inout ClientCertificates) -> Void = { _ in }) -> ClientCertificateCheck {
        var settings = ClientCertificates()
        settings.crlFile = crl.map { "\(fixtures)/\($0)" }
        change(&settings)
        return ClientCertificateCheck(settings: settings)
    }

    private func refusal(_ result: Result<String, ClientCertificateRefusal>) -> String? {
        if case .failure(let refusal) = result { return refusal.description }
        return nil
    }

    func testTheCNOfACertificateWithAnAllowedOU() throws {
        let check = check()
        XCTAssertEqual(try check.identify(certificate: der("fw"), as: .bouncer, nowNs: now).get(), "fw")
        XCTAssertEqual(try check.identify(certificate: der("agent1"), as: .agent, nowNs: now).get(), "agent1")
    }

    func testAnOUOfTheOtherRoleIsRefused() throws {
        let check = check()
        XCTAssertEqual(refusal(check.identify(certificate: try der("fw"), as: .agent, nowNs: now)),
                       "the client certificate's OU [bouncer-ou] is not in agents_allowed_ou [agent-ou]")
        XCTAssertEqual(refusal(check.identify(certificate: try der("agent1"), as: .bouncer, nowNs: now)),
                       "the client certificate's OU [agent-ou] is not in bouncers_allowed_ou [bouncer-ou]")
        let custom = self.check { $0.bouncerOUs = ["edge", "agent-ou"] }
        XCTAssertEqual(try custom.identify(certificate: der("agent1"), as: .bouncer, nowNs: now).get(), "agent1")
    }

    func testOnlyVerifyingModesLetACertificateAuthenticate() throws {
        for mode in ClientCertificates.Verification.allCases {
            let result = check { $0.verification = mode }.identify(certificate: try der("fw"), as: .bouncer, nowNs: now)
            if mode.verifiesCertificates {
                XCTAssertEqual(try result.get(), "fw", mode.rawValue)
            } else {
                XCTAssertEqual(refusal(result),
                    "client_verification \(mode.rawValue) checks no certificate, so none authenticates; use VerifyClientCertIfGiven or RequireAndVerifyClientCert")
            }
        }
    }

    func testDatesAndCN() throws {
        let check = check()
        let later = now + 400 * 86_400 * 1_000_000_000
        XCTAssertEqual(refusal(check.identify(certificate: try der("fw"), as: .bouncer, nowNs: later))?.hasPrefix("the client certificate expired at "), true)
        let earlier = now - 400 * 86_400 * 1_000_000_000
        XCTAssertEqual(refusal(check.identify(certificate: try der("fw"), as: .bouncer, nowNs: earlier))?.hasPrefix("the client certificate is not valid before "), true)
        XCTAssertEqual(refusal(check.identify(certificate: try der("nocn"), as: .bouncer, nowNs: now)),
                       "the client certificate has no CN (common name) to name the client by")
        XCTAssertEqual(refusal(check.identify(certificate: [0x30, 0x03, 0x02, 0x01, 0x01], as: .bouncer, nowNs: now))?
            .hasPrefix("the client certificate cannot be parsed: "), true)
    }

    func testRevokedByAPEMOrADERList() throws {
        for crl in ["ca.crl", "ca.crl.der"] {
            let check = check(crl: crl)
            XCTAssertEqual(refusal(check.identify(certificate: try der("revoked"), as: .bouncer, nowNs: now)),
                           "the client certificate is revoked by \(fixtures)/\(crl)")
            XCTAssertEqual(try check.identify(certificate: der("fw"), as: .bouncer, nowNs: now).get(), "fw", crl)
        }
        XCTAssertNil(refusal(check().identify(certificate: try der("revoked"), as: .bouncer, nowNs: now)), "no crl_path: no check")
    }

    func testAnotherIssuersListRevokesNothingOfThisCA() throws {
        XCTAssertEqual(try check(crl: "other-ca.crl").identify(certificate: der("revoked"), as: .bouncer, nowNs: now).get(), "revoked")
    }

    func testSeveralListsInOnePEMFile() throws {
        let path = NSTemporaryDirectory() + "warden-crls-\(UUID().uuidString).pem"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let both = try String(contentsOfFile: "\(fixtures)/other-ca.crl", encoding: .utf8)
            + String(contentsOfFile: "\(fixtures)/ca.crl", encoding: .utf8)
        try both.write(toFile: path, atomically: true, encoding: .utf8)
        let check = ClientCertificateCheck(settings: { var s = ClientCertificates(); s.crlFile = path; return s }())
        XCTAssertEqual(refusal(check.identify(certificate: try der("revoked"), as: .bouncer, nowNs: now)),
                       "the client certificate is revoked by \(path)")
    }

    /// A check that cannot be made lets nobody in.
    func testAnUnreadableOrMalformedListRefusesEveryCertificate() throws {
        let missing = check { $0.crlFile = "/nonexistent/ca.crl" }
        XCTAssertEqual(refusal(missing.identify(certificate: try der("fw"), as: .bouncer, nowNs: now)),
                       "cannot read the revocation list /nonexistent/ca.crl: No such file or directory; no certificate is accepted until it can be read")
        let path = NSTemporaryDirectory() + "warden-bad-\(UUID().uuidString).crl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".write(toFile: path, atomically: true, encoding: .utf8)
        let malformed = check { $0.crlFile = path }
        XCTAssertEqual(refusal(malformed.identify(certificate: try der("fw"), as: .bouncer, nowNs: now)),
                       "the revocation list \(path) is malformed: it holds no 'X509 CRL' PEM block; no certificate is accepted until it is fixed")
    }

    /// A verdict is reused for cache_expiration; after it, the file is read again.
    func testAVerdictLastsCacheExpiration() throws {
        let path = NSTemporaryDirectory() + "warden-cached-\(UUID().uuidString).crl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.copyItem(atPath: "\(fixtures)/other-ca.crl", toPath: path)
        let check = check { $0.crlFile = path; $0.cacheExpirationNs = 60_000_000_000 }
        XCTAssertNil(refusal(check.identify(certificate: try der("revoked"), as: .bouncer, nowNs: now)))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: "\(fixtures)/ca.crl", toPath: path)
        XCTAssertNil(refusal(check.identify(certificate: try der("revoked"), as: .bouncer, nowNs: now + 59_000_000_000)),
                     "the earlier verdict still holds")
        XCTAssertNotNil(refusal(check.identify(certificate: try der("revoked"), as: .bouncer, nowNs: now + 61_000_000_000)),
                        "past cache_expiration the new list applies")
        XCTAssertNil(refusal(check.identify(certificate: try der("fw"), as: .bouncer, nowNs: now)))
        try FileManager.default.removeItem(atPath: path)
        XCTAssertNil(refusal(check.identify(certificate: try der("fw"), as: .bouncer, nowNs: now + 30_000_000_000)),
                     "an identified certificate is not checked again within cache_expiration")
        XCTAssertNotNil(refusal(check.identify(certificate: try der("fw"), as: .bouncer, nowNs: now + 61_000_000_000)),
                        "past it, the list (now missing) is read again")
        XCTAssertNotNil(refusal(check.identify(certificate: try der("fw"), as: .agent, nowNs: now + 30_000_000_000)),
                        "an identity is kept for its role only")
        try FileManager.default.copyItem(atPath: "\(fixtures)/ca.crl", toPath: path)
        let uncached = self.check { $0.crlFile = path; $0.cacheExpirationNs = 0 }
        XCTAssertNotNil(refusal(uncached.identify(certificate: try der("revoked"), as: .bouncer, nowNs: now)))
    }

    func testTheListParser() throws {
        let lists = try RevocationList.parseAll(Array(try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/ca.crl.der"))))
        XCTAssertEqual(lists.count, 1)
        XCTAssertEqual(lists[0].revokedSerials, [[0x10, 0x03]])
        XCTAssertEqual(lists[0].issuer.description, "CN=Warden test CA")
        XCTAssertThrowsError(try RevocationList.parseAll([0x30, 0x00]))
    }
}
