import Foundation
import WardenTesting
import XCTest

/// `warden allowlist add|list|del|check`, and `warden ban add` refusing what it allowlists.
final class AllowlistCommandTests: XCTestCase {
    func testWithoutAFileLoopbackIsAllowlistedAndAddCreatesTheFile() throws {
        let cli = try CLIHarness.dummy()
        XCTAssertEqual(cli.run("allowlist", "list").out, """
            ENTRY        COMMENT
            127.0.0.0/8  loopback (IPv4)
            ::1          loopback (IPv6)

            """)
        let added = cli.run("allowlist", "add", "2001:db8:aa::/48", "office", "VPN")
        XCTAssertEqual(added.status, 0, added.err)
        XCTAssertEqual(added.out, "Allowlisted 2001:db8:aa::/48 (office VPN) in \(cli.folder)/allowlist\n")
        XCTAssertEqual(try String(contentsOfFile: cli.folder + "/allowlist", encoding: .utf8), """
            # Warden allowlist: addresses and CIDR blocks that Warden never bans.
            # One entry a line: an address or a block, then a comment saying why.
            # Edit with 'warden allowlist add|del'; a running daemon rereads this file when it changes.
            127.0.0.0/8\tloopback (IPv4)
            ::1\tloopback (IPv6)
            2001:db8:aa::/48\toffice VPN

            """)
        XCTAssertEqual(cli.run("allowlist", "list", "-o", "raw").out, """
            entry,comment
            127.0.0.0/8,loopback (IPv4)
            ::1,loopback (IPv6)
            2001:db8:aa::/48,office VPN

            """)
        XCTAssertEqual(cli.run("allowlist", "del", "::1").out, "Removed ::1 from the allowlist\n")
        XCTAssertEqual(cli.run("allowlist", "list", "-o", "json").out, """
            [
              {
                "entry": "127.0.0.0/8",
                "comment": "loopback (IPv4)"
              },
              {
                "entry": "2001:db8:aa::/48",
                "comment": "office VPN"
              }
            ]

            """)
    }

    func testCheckSaysWhichEntryMatches() throws {
        let cli = try CLIHarness.dummy()
        XCTAssertEqual(
            cli.run("allowlist", "check", "127.0.0.1").out,
            "127.0.0.1 is allowlisted by 127.0.0.0/8 (loopback (IPv4)): a ban on it is refused\n")
        XCTAssertEqual(
            cli.run("allowlist", "check", "::/0").out,
            "::/0 contains ::1 (loopback (IPv6)), which is allowlisted: a ban on ::/0 is refused\n")
        XCTAssertEqual(cli.run("allowlist", "check", "192.0.2.7").out, "192.0.2.7 is not allowlisted\n")
        XCTAssertEqual(cli.run("allowlist", "check", "10.0.0.0/8", "-o", "json").out, """
            {
              "target": "10.0.0.0/8",
              "allowlisted": false,
              "entry": null,
              "comment": null
            }

            """)
    }

    func testBanAddRefusesAllowlistedTargetsWith64AndWritesNothing() throws {
        let cli = try CLIHarness.dummy()
        let file = cli.folder + "/allowlist"
        let cases: [([String], String)] = [
            (["ip", "127.0.0.1"],
             "error: cannot ban 127.0.0.1: it is allowlisted by 127.0.0.0/8 (loopback (IPv4)) in \(file); if it must "
                + "really be banned, remove that entry first with 'warden allowlist del 127.0.0.0/8'\n"),
            (["range", "0.0.0.0/0"],
             "error: cannot ban 0.0.0.0/0: it contains 127.0.0.0/8 (loopback (IPv4)), allowlisted in \(file); ban "
                + "narrower blocks that leave it out, or remove that entry with 'warden allowlist del 127.0.0.0/8'\n"),
            (["range", "::/0"],
             "error: cannot ban ::/0: it contains ::1 (loopback (IPv6)), allowlisted in \(file); ban narrower blocks "
                + "that leave it out, or remove that entry with 'warden allowlist del ::1'\n"),
            (["ip", "::1"],
             "error: cannot ban ::1: it is allowlisted by ::1 (loopback (IPv6)) in \(file); if it must really be "
                + "banned, remove that entry first with 'warden allowlist del ::1'\n"),
        ]
        for (arguments, message) in cases {
            let result = cli.run(["ban", "add"] + arguments + ["4h", "oops"])
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertEqual(result.err, message, "\(arguments)")
            XCTAssertEqual(result.out, "")
        }
        XCTAssertEqual(cli.run("ban", "list").out, "No local decisions\n")
        XCTAssertEqual(cli.run("ban", "add", "range", "128.0.0.0/1", "4h", "half").status, 0)
    }

    func testEditsAreCheckedBeforeTheFileIsTouched() throws {
        let cli = try CLIHarness.dummy()
        let noComment = cli.run("allowlist", "add", "192.0.2.7")
        XCTAssertEqual(noComment.status, 64)
        XCTAssertTrue(noComment.err.hasPrefix(
            "Error: missing comment: say why 192.0.2.7 must stay reachable, e.g. 'office VPN'\n"), noComment.err)
        let twice = cli.run("allowlist", "add", "::1", "again")
        XCTAssertEqual(twice.status, 64)
        XCTAssertEqual(twice.err, "error: ::1 is already in the allowlist as ::1 (loopback (IPv6))\n")
        let missing = cli.run("allowlist", "del", "127.0.0.2")
        XCTAssertEqual(missing.status, 64)
        XCTAssertEqual(
            missing.err,
            "error: 127.0.0.2 is not an entry of the allowlist; it is covered by 127.0.0.0/8 (loopback (IPv4)), "
                + "which 'warden allowlist del 127.0.0.0/8' removes\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.folder + "/allowlist"))
    }

    func testTheConfigNamesTheFile() throws {
        let cli = try CLIHarness.dummy()
        try "plugin:\n  backend: ./plugins/backend\nallowlist:\n  file: ./lists/never\n"
            .write(toFile: cli.config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: cli.folder + "/lists", withIntermediateDirectories: true)
        try "192.0.2.0/24 partners\n".write(toFile: cli.folder + "/lists/never", atomically: true, encoding: .utf8)
        XCTAssertEqual(cli.run("ban", "add", "ip", "127.0.0.1", "4h", "test").status, 0, "loopback is not in this file")
        let refused = cli.run("ban", "add", "ip", "192.0.2.9", "4h", "test")
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.err.contains("in \(cli.folder)/lists/never;"), refused.err)
    }
}
