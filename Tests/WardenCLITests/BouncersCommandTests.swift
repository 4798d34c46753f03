import Foundation
import XCTest
import WardenTesting

/// `warden bouncers add|list|delete`: exact output, digests only on disk, each refusal.
final class BouncersCommandTests: XCTestCase {
    func testAddShowsTheKeyOnceAndStoresOnlyItsDigest() throws {
        let cli = try CLIHarness.dummy()
        let added = cli.run("bouncers", "add", "firewall", "-k", "a-key-chosen-by-me-0123")
        XCTAssertEqual(added.status, 0)
        XCTAssertEqual(added.out, """
            API key for 'firewall':

               a-key-chosen-by-me-0123

            Keep it now: only its digest is stored, it cannot be shown again.

            """)
        let file = try String(contentsOfFile: cli.folder + "/bouncers", encoding: .utf8)
        XCTAssertFalse(file.contains("a-key-chosen-by-me-0123"))
        // SHA-512 of the key, as `printf %s KEY | sha512sum` prints it.
        XCTAssertTrue(file.contains("firewall\t987f6aa9cacff31f"), file)
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.folder + "/bouncers")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testRandomKeysAreLongAndDistinct() throws {
        let cli = try CLIHarness.dummy()
        let first = cli.run("bouncers", "add", "a", "-o", "raw").out, second = cli.run("bouncers", "add", "b", "-o", "raw").out
        XCTAssertEqual(first.count, 44, "43 URL-safe characters and a newline: \(first)")
        XCTAssertNotEqual(first, second)
    }

    func testListAndDelete() throws {
        let cli = try CLIHarness.dummy()
        _ = cli.run("bouncers", "add", "firewall", "-k", "a-key-chosen-by-me-0123")
        XCTAssertEqual(cli.run("bouncers", "list").out, """
            NAME      IP ADDRESS  LAST API PULL  TYPE  VERSION  CREATED               REPORTED USAGE  AUTH TYPE
            firewall              never                         2026-11-23T12:00:00Z  -               api-key

            """)
        XCTAssertEqual(cli.run("bouncers", "list", "-o", "raw").out,
                       "name,ip_address,last_pull,type,version,created_at,usage,auth_type\nfirewall,,never,,,2026-11-23T12:00:00Z,-,api-key\n",
                       "'-': no daemon answers on the metrics address")
        XCTAssertEqual(cli.run("bouncers", "delete", "firewall").out, "Bouncer 'firewall' deleted\n")
        XCTAssertEqual(cli.run("bouncers", "list").out, "No bouncer registered; add one with 'warden bouncers add NAME'\n")
    }

    func testRefusals() throws {
        let cli = try CLIHarness.dummy()
        _ = cli.run("bouncers", "add", "firewall", "-k", "a-key-chosen-by-me-0123")
        let cases: [([String], String)] = [
            (["add", "firewall"], "a bouncer named 'firewall' exists already; delete it first or choose another name"),
            (["add", "other", "-k", "a-key-chosen-by-me-0123"],
             "this key is already registered for bouncer 'firewall'; give each bouncer its own key"),
            (["add", "bad name"], "'bad name' is not a valid bouncer name: use 1 to 64 letters, digits, '-', '_', '.' or '@'"),
            (["add", "short", "-k", "tiny"],
             "the key must be 16 to 256 printable characters without spaces; omit -k to get a random one"),
            (["delete", "firewal"], "no bouncer named 'firewal'; did you mean 'firewall'?"),
        ]
        for (arguments, message) in cases {
            let result = cli.run(["bouncers"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertEqual(result.err, "error: \(message)\n", "\(arguments)")
        }
    }
}

/// `api.server.identity_backend`: two nodes (configs of their own) on one SQLite database
/// share bouncers and machines, whichever node's CLI registers them.
final class SharedIdentitiesCommandTests: XCTestCase {
    private func node(database: String) throws -> CLIHarness {
        let cli = try CLIHarness(backends: [("sqlite", BuildProducts.library("warden-backend-sqlite"), ["db_path": database])])
        try "plugin:\n  backend: ./plugins/backend\napi:\n  server:\n    bouncers_file: ./bouncers\n    identity_backend: sqlite\n"
            .write(toFile: cli.config, atomically: true, encoding: .utf8)
        return cli
    }

    func testWhatOneNodeRegistersTheOtherLists() throws {
        let database = NSTemporaryDirectory() + "warden-shared-\(UUID().uuidString.prefix(8)).db"
        defer { try? FileManager.default.removeItem(atPath: database) }
        let a = try node(database: database), b = try node(database: database)
        XCTAssertEqual(a.run("bouncers", "add", "firewall", "-k", "a-key-chosen-by-me-0123").status, 0)
        XCTAssertEqual(b.run("machines", "add", "agent1", "-p", "a-password", "-f", "-").status, 0)
        XCTAssertEqual(b.run("bouncers", "list", "-o", "raw").out, """
            name,ip_address,last_pull,type,version,created_at,usage,auth_type
            firewall,,never,,,2026-11-23T12:00:00Z,-,api-key

            """)
        XCTAssertEqual(a.run("machines", "list", "-o", "raw").out.split(separator: "\n").dropFirst().map { $0.prefix(7) },
                       ["agent1,"])
        let taken = b.run("bouncers", "add", "firewall")
        XCTAssertEqual(taken.err, "error: a bouncer named 'firewall' exists already; delete it first or choose another name\n")
        XCTAssertEqual(b.run("bouncers", "delete", "firewall").status, 0)
        XCTAssertEqual(a.run("bouncers", "list").out, "No bouncer registered; add one with 'warden bouncers add NAME'\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: a.folder + "/bouncers"), "no node writes the file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: b.folder + "/machines"))
    }
}
