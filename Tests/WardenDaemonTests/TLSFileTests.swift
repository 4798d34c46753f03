import Foundation
import XCTest

/// TLS files that cannot serve (`cert_file`, `ca_cert_path`): the daemon does not start,
/// and says which file and what to give instead. A file without a certificate (empty, a
/// key) is refused by NIOSSL as it loads it.
final class TLSFileTests: XCTestCase {
    func testUnusableCertificateFilesStopTheStart() throws {
        let pki = NSTemporaryDirectory() + "wca-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: pki, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: pki) }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                             "-keyout", pki + "/key.pem", "-out", pki + "/cert.pem", "-subj", "/CN=localhost", "-days", "1"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        XCTAssertEqual(openssl.terminationStatus, 0)
        FileManager.default.createFile(atPath: pki + "/empty.pem", contents: Data())
        let tls = "tls:\n  cert_file: \(pki)/cert.pem\n  key_file: \(pki)/key.pem\n  ca_cert_path: "

        for name in ["empty.pem", "key.pem"] {
            let refused = try DaemonHarness(apiServer: tls + pki + "/" + name)
            XCTAssertThrowsError(try refused.start())
            XCTAssertTrue(refused.daemonLog.contains(
                "error: cannot use the client CA file \(pki)/\(name): failedToLoadCertificate; give the PEM certificates of the "
                    + "CAs that sign client certificates in api.server.tls.ca_cert_path"), refused.daemonLog)
        }
        let noChain = try DaemonHarness(apiServer: "tls:\n  cert_file: \(pki)/empty.pem\n  key_file: \(pki)/key.pem\n")
        XCTAssertThrowsError(try noChain.start())
        XCTAssertTrue(noChain.daemonLog.contains(
            "error: cannot use the TLS certificate \(pki)/empty.pem: failedToLoadCertificate; give a PEM certificate chain in "
                + "api.server.tls.cert_file"), noChain.daemonLog)

        let missing = try DaemonHarness(apiServer: tls + pki + "/missing.pem")
        XCTAssertThrowsError(try missing.start())
        let line = try XCTUnwrap(missing.daemonLog.split(separator: "\n").first { $0.contains("client CA file") })
        XCTAssertTrue(line.contains("cannot use the client CA file \(pki)/missing.pem: "), String(line))
        XCTAssertTrue(line.hasSuffix(
            "; give the PEM certificates of the CAs that sign client certificates in api.server.tls.ca_cert_path"), String(line))
    }
}
