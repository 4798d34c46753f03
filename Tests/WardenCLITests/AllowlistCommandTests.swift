import Foundation
import WardenTesting
import XCTest

/// `warden allowlist add|list|del|check`, and `warden ban add` refusing what it allowlists.
final class AllowlistCommandTests: XCTestCase {
    func testWithoutAFileLoopbackIsAllowlistedAndAddCreatesTheFile() throws {
        let cli = try CLIHarness.dummy()
        XCTAssertEqual(cli.run("allowlist", "list").out, """
            LIST     ENTRY        EXPIRES  COMMENT
            default  127.0.0.0/8           loopback (IPv4)
            default  ::1                   loopback (IPv6)

            """)
        let added = cli.run("allowlist", "add", "2001:db8:aa::/48", "office", "VPN")
        XCTAssertEqual(added.status, 0, added.err)
        XCTAssertEqual(added.out, "Allowlisted 2001:db8:aa::/48 (office VPN) in \(cli.folder)/allowlist\n")
        XCTAssertEqual(try String(contentsOfFile: cli.folder + "/allowlist", encoding: .utf8), """
            # Warden allowlist: addresses and CIDR blocks that Warden never bans.
            # One entry a line: an address or a block, optionally expires=TIME (RFC 3339), then a comment saying why.
            # A '[name] description' line starts a named list. Edit with 'warden allowlist'; a running daemon
            # rereads this file when it changes.
            127.0.0.0/8\tloopback (IPv4)
            ::1\tloopback (IPv6)
            2001:db8:aa::/48\toffice VPN

            """)
        XCTAssertEqual(cli.run("allowlist", "list", "-o", "raw").out, """
            list,entry,expires_at,comment
            default,127.0.0.0/8,,loopback (IPv4)
            default,::1,,loopback (IPv6)
            default,2001:db8:aa::/48,,office VPN

            """)
        XCTAssertEqual(cli.run("allowlist", "del", "::1").out, "Removed ::1 from the allowlist\n")
        XCTAssertEqual(cli.run("allowlist", "list", "-o", "json").out, """
            [
              {
                "list": "default",
                "entry": "127.0.0.0/8",
                "expires_at": "",
                "comment": "loopback (IPv4)"
              },
              {
                "list": "default",
                "entry": "2001:db8:aa::/48",
                "expires_at": "",
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

    /// Named lists (CrowdSec 1.6.9's allowlists) and entries that expire.
    func testNamedListsAndExpiringEntries() throws {
        let cli = try CLIHarness.dummy()
        let unknown = cli.run("allowlist", "add", "--list", "office", "203.0.113.0/24", "office")
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(
            unknown.err,
            "error: there is no allowlist 'office'; create it with 'warden allowlist create office DESCRIPTION', or use one of: default\n")
        XCTAssertEqual(cli.run("allowlist", "create", "office", "the", "office").status, 0)
        XCTAssertEqual(cli.run("allowlist", "create", "office").err, "error: the allowlist 'office' exists already\n")
        XCTAssertEqual(cli.run("allowlist", "add", "--list", "office", "203.0.113.0/24", "office", "LAN").status, 0)
        // The clock of the harness: 2026-11-23T12:00:00Z.
        let expiring = cli.run("allowlist", "add", "--list", "office", "--expires", "1h", "198.51.100.7", "contractor")
        XCTAssertEqual(expiring.out, "Allowlisted 198.51.100.7 (contractor) until 2026-11-23T13:00:00Z in \(cli.folder)/allowlist (list office)\n")
        XCTAssertEqual(cli.run("allowlist", "add", "--expires", "2026-11-23T12:00:00Z", "192.0.2.99", "gone").status, 0)
        let file = try String(contentsOfFile: cli.folder + "/allowlist", encoding: .utf8)
        XCTAssertTrue(file.hasSuffix("""
            192.0.2.99\texpires=2026-11-23T12:00:00Z\tgone

            [office] the office
            203.0.113.0/24\toffice LAN
            198.51.100.7\texpires=2026-11-23T13:00:00Z\tcontractor

            """), file)
        XCTAssertEqual(cli.run("allowlist", "list", "--list", "office", "-o", "raw").out, """
            list,entry,expires_at,comment
            office,203.0.113.0/24,,office LAN
            office,198.51.100.7,2026-11-23T13:00:00Z,contractor

            """)
        // An expired entry stays in the file but no longer applies.
        XCTAssertFalse(cli.run("allowlist", "list").out.contains("192.0.2.99"))
        XCTAssertTrue(cli.run("allowlist", "list", "--all").out.contains("192.0.2.99"))
        XCTAssertEqual(cli.run("allowlist", "check", "192.0.2.99").out, "192.0.2.99 is not allowlisted\n")
        XCTAssertEqual(cli.run("ban", "add", "ip", "192.0.2.99", "4h", "x").status, 0)
        XCTAssertEqual(cli.run("ban", "add", "ip", "198.51.100.7", "4h", "x").status, 64)
        XCTAssertEqual(cli.run("allowlist", "drop", "office").out, "Removed the allowlist 'office' and its entries\n")
        XCTAssertEqual(cli.run("ban", "add", "ip", "198.51.100.7", "4h", "x").status, 0)
        XCTAssertFalse(try String(contentsOfFile: cli.folder + "/allowlist", encoding: .utf8).contains("office"))
        let broken = cli.folder + "/allowlist"
        try "[bad name]\n".write(toFile: broken, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            cli.run("allowlist", "list").err,
            "error: \(broken):1: 'bad name' cannot name an allowlist; use letters, digits, '.', '_' and '-'\n")
    }
}
