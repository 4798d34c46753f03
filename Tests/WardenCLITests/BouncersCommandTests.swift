import Foundation
import XCTest

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
