import WardenCLI
import WardenTesting
import XCTest

/// `warden ban add | list | del | flush` end to end in one process, output pinned.
final class BanCommandTests: XCTestCase {
    func testAddListDeleteFlushOnDummy() throws {
        let cli = try CLIHarness.dummy()
        XCTAssertEqual(cli.run("ban", "list").out, "No local decisions\n")

        let added = cli.run("ban", "add", "ip", "192.0.2.7", "4h", "ssh", "bruteforce")
        XCTAssertEqual(added.status, 0, added.err)
        XCTAssertEqual(added.out, "ban 192.0.2.7 for 4h (ssh bruteforce) until 2026-11-23T16:00:00Z: stored in dummy\n")
        XCTAssertEqual(
            cli.run("ban", "add", "range", "2001:db8::/32", "90m", "scan", "--remediation", "captcha").out,
            "captcha 2001:db8::/32 for 90m (scan) until 2026-11-23T13:30:00Z: stored in dummy\n")

        cli.clock.advance(seconds: 65)
        XCTAssertEqual(cli.run("ban", "list").out, """
            SOURCE  IP             REASON          BANS  ACTION   COUNTRY  AS  EVENTS  EXPIRATION
            cli     192.0.2.7      ssh bruteforce  1     ban                   1       3h58m55s
            cli     2001:db8::/32  scan            1     captcha               1       1h28m55s

            """)
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cli,192.0.2.7,ssh bruteforce,1,ban,,,1,3h58m55s
            cli,2001:db8::/32,scan,1,captcha,,,1,1h28m55s

            """)
        XCTAssertEqual(cli.run("ban", "list", "-o", "json", "--ip", "192.0.2.7").out, """
            [
              {
                "source": "cli",
                "iptext": "192.0.2.7",
                "reason": "ssh bruteforce",
                "scenario": "ssh bruteforce",
                "bancount": "1",
                "action": "ban",
                "cn": "",
                "as": "",
                "events_count": "1",
                "until": "3h58m55s",
                "expires_at": "2026-11-23T16:00:00Z",
                "decisions": "1"
              }
            ]

            """)

        XCTAssertEqual(cli.run("ban", "del", "ip", "192.0.2.7").out, "Deleted 1 ban for 192.0.2.7\n")
        XCTAssertEqual(cli.run("ban", "del", "ip", "192.0.2.7").out, "Deleted 0 bans for 192.0.2.7\n")
        XCTAssertEqual(cli.run("ban", "flush").out, "Ban DB flushed: 1 ban deleted\n")
        XCTAssertEqual(cli.run("ban", "list", "-o", "json").out, "[]\n")
    }

    func testJSONOutputOfAddDeleteAndFlush() throws {
        let cli = try CLIHarness.dummy()
        XCTAssertEqual(cli.run("ban", "add", "ip", "192.0.2.7", "90m", "probe", "-o", "json").out, """
            {
              "target": "192.0.2.7",
              "scope": "Ip",
              "action": "ban",
              "duration": "90m",
              "reason": "probe",
              "expires_at": "2026-11-23T13:30:00Z",
              "backends": ["dummy"]
            }

            """)
        XCTAssertEqual(cli.run("ban", "del", "ip", "192.0.2.7", "-o", "json").out, """
            {
              "target": "192.0.2.7",
              "deleted": 1,
              "backends": {
                "dummy": 1
              }
            }

            """)
        XCTAssertEqual(cli.run("ban", "flush", "-o", "json").out, """
            {
              "deleted": 0,
              "backends": {
                "dummy": 0
              }
            }

            """)
    }

    func testBackendsListTable() throws {
        let dummy = BuildProducts.library("warden-backend-dummy")
        let cli = try CLIHarness(backends: [("memory", dummy, ["store": "list"])])
        XCTAssertEqual(cli.run("backends", "list").out, """
            NAME    PATH\(String(repeating: " ", count: dummy.count - 4))  ABI  VERSION        STATE
            memory  \(dummy)  1.3  1.0.0 (swift)  loaded

            """)
    }

    func testListFilters() throws {
        let cli = try CLIHarness.dummy()
        _ = cli.run("ban", "add", "range", "198.51.100.0/24", "1h", "scan")
        cli.clock.advance(seconds: 1)
        _ = cli.run("ban", "add", "ip", "203.0.113.9", "1h", "ssh", "bruteforce")
        cli.clock.advance(seconds: 1)
        _ = cli.run("ban", "add", "ip", "2001:db8::9", "1h", "http", "probing")
        func targets(_ args: String...) -> String {
            let csv = cli.run(["ban", "list", "-o", "raw"] + args)
            return csv.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }.joined(separator: " ")
        }
        XCTAssertEqual(targets("--ip", "198.51.100.77"), "198.51.100.0/24")
        XCTAssertEqual(targets("--range", "203.0.113.0/24"), "203.0.113.9")
        XCTAssertEqual(targets("--range", "2001:db8::/32"), "2001:db8::9")
        XCTAssertEqual(targets("--reason", "SSH"), "203.0.113.9")
        XCTAssertEqual(targets(), "2001:db8::9 203.0.113.9 198.51.100.0/24", "newest first")
        XCTAssertEqual(targets("--limit", "1"), "2001:db8::9")
        XCTAssertEqual(targets("--at", "2026-11-23T14:00:00Z"), "")
        XCTAssertEqual(
            cli.run("ban", "list", "--limit", "2").out.split(separator: "\n").last,
            "(2 newest bans shown, more match; use --limit 0 or --all to see every one)")
        XCTAssertFalse(cli.run("ban", "list", "--limit", "3").out.contains("shown"), "no note when all fit")
    }

    func testANewBanReplacesTheLiveOneAndCountsHistory() throws {
        let cli = try CLIHarness.dummy()
        _ = cli.run("ban", "add", "ip", "192.0.2.1", "1h", "first")
        cli.clock.advance(seconds: 1)
        _ = cli.run("ban", "add", "ip", "192.0.2.1", "2h", "second")
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cli,192.0.2.1,second,2,ban,,,2,2h0m0s

            """)
    }

    func testWorksAgainstTheCExample() throws {
        let library = try XCTUnwrap(try? CExample.library.get())
        let cli = try CLIHarness(backends: [("c", library, ["store": "cli-c"])])
        XCTAssertEqual(cli.run("ban", "add", "ip", "192.0.2.8", "45s", "test").status, 0)
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cli,192.0.2.8,test,1,ban,,,1,45s

            """)
        XCTAssertEqual(cli.run("ban", "del", "ip", "192.0.2.8").out, "Deleted 1 ban for 192.0.2.8\n")
        XCTAssertEqual(cli.run("ban", "flush").out, "Ban DB flushed: 0 bans deleted\n")
    }

    func testAddGoesToEveryBackendAndListMergesThem() throws {
        let dummy = BuildProducts.library("warden-backend-dummy")
        let cli = try CLIHarness(backends: [("one", dummy, ["store": "merge-1"]), ("two", dummy, ["store": "merge-2"])])
        XCTAssertEqual(cli.run("ban", "add", "ip", "192.0.2.9", "1h", "x").out.hasSuffix("stored in one, two\n"), true)
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out.split(separator: "\n").count, 2, "one row per target")
        XCTAssertEqual(cli.run("ban", "del", "ip", "192.0.2.9").out, "Deleted 1 ban for 192.0.2.9\n", "one target")
        XCTAssertEqual(cli.run("ban", "list", "--backend", "two").out, "No local decisions\n")
    }

    func testDeleteAndFlushSayWhereBackendsDiffer() throws {
        let dummy = BuildProducts.library("warden-backend-dummy")
        let cli = try CLIHarness(backends: [("one", dummy, ["store": "differ-1"]), ("two", dummy, ["store": "differ-2"])])
        let onlyOne = try CLIHarness(backends: [("one", dummy, ["store": "differ-1"])])
        let onlyTwo = try CLIHarness(backends: [("two", dummy, ["store": "differ-2"])])
        _ = onlyOne.run("ban", "add", "ip", "192.0.2.9", "1h", "x")
        _ = cli.run("ban", "add", "ip", "192.0.2.10", "1h", "x")
        XCTAssertEqual(cli.run("ban", "del", "ip", "192.0.2.9").out, "Deleted bans for 192.0.2.9: 1 in one, 0 in two\n")
        XCTAssertEqual(cli.run("ban", "flush").out, "Ban DB flushed: 1 ban deleted\n")
        _ = onlyTwo.run("ban", "add", "ip", "192.0.2.11", "1h", "x")
        XCTAssertEqual(cli.run("ban", "flush").out, "Ban DB flushed: bans deleted 0 in one, 1 in two\n")
    }

    /// `ban add` is parsed by its leaf command (its start-up is its speed), but help and
    /// errors still come from the root and name the whole command.
    func testBanAddHelpAndErrorsNameTheWholeCommand() throws {
        let cli = try CLIHarness.dummy()
        let help = cli.run("ban", "add", "ip", "192.0.2.1", "4h", "x", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("USAGE: warden ban add ip "), help.out)
        let wrong = cli.run("ban", "add", "range", "192.0.2.1", "4h", "x")
        XCTAssertEqual(wrong.status, 64)
        XCTAssertTrue(wrong.err.contains("Usage: warden ban add range "), wrong.err)
        XCTAssertEqual(cli.run("ban", "list").out, "No local decisions\n")
    }
}
