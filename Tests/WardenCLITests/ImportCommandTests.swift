import Foundation
import Synchronization
import WardenCLI
import WardenTesting
import XCTest

/// `warden ban import`: the files `cscli decisions import` reads, their defaults, and
/// what happens to malformed and allowlisted rows.
final class ImportCommandTests: XCTestCase {
    private func write(_ cli: CLIHarness, _ name: String, _ text: String) throws -> String {
        let path = cli.folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testCSVWithDefaultsAndQuotedFields() throws {
        let cli = try CLIHarness.dummy()
        let file = try write(cli, "bans.csv", """
            duration,scope,value,reason,origin,comment\r
            24h,ip,192.0.2.7,,my-list,"ignored, as cscli ignores it"\r
            ,range,2001:db8::/32,"scan ""wide""\",,\r
            \r
            90m,Ip,198.51.100.0/24,ssh,,\r

            """)
        let result = cli.run("ban", "import", file, "--reason", "imported", "--type", "captcha")
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.out, "Imported 3 bans from \(file) into dummy\n")
        XCTAssertEqual(result.err, "")
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cscli-import,192.0.2.7,imported,1,captcha,,,3,24h0m0s
            cscli-import,198.51.100.0/24,ssh,1,captcha,,,3,1h30m0s
            cscli-import,2001:db8::/32,"scan ""wide""\",1,captcha,,,3,4h0m0s

            """)
    }

    func testJSONArrayWithKeysInAnyCase() throws {
        let cli = try CLIHarness.dummy()
        let file = try write(cli, "bans.json", """
            [
              {"value": "192.0.2.7", "duration": "4h", "type": "ban", "scope": "ip", "extra": [1, {"x": null}]},
              {"Value": "2001:db8::1", "Reason": "caf\\u00e9 \\"bots\\"", "duration": null}
            ]
            """)
        let result = cli.run("ban", "import", file, "--duration", "1h", "-o", "json")
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.out, """
            {
              "imported": 2,
              "skipped": 0,
              "backends": ["dummy"]
            }

            """)
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cscli-import,192.0.2.7,manual,1,ban,,,2,4h0m0s
            cscli-import,2001:db8::1,"café ""bots""\",1,ban,,,2,1h0m0s

            """)
    }

    func testMalformedRowsAreListedByLineAndNothingIsWritten() throws {
        let cli = try CLIHarness.dummy()
        let file = try write(cli, "bad.csv", """
            value,duration,type,scope
            192.0.2.1,4h,ban,ip
            300.1.1.1,4h,ban,ip
            192.0.2.2,4days,ban,ip
            192.0.2.3,4h,throttle,ip
            192.0.2.4,4h,ban,country
            ,4h,ban,ip
            192.0.2.5,4h
            192.0.2.6,4h,b"an,ip
            127.0.0.1,4h,ban,ip
            10.0.0.0/8,4h,ban,ip

            """)
        let result = cli.run("ban", "import", file)
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.out, "")
        XCTAssertEqual(result.err, """
            error: \(file):3: '300.1.1.1' is not a valid IPv4 or IPv6 address
            error: \(file):4: '4days' is not a valid duration; write it like 4h, 90m, 1h30m or 45s
            error: \(file):5: type 'throttle' is not supported: use ban, slow or captcha
            error: \(file):6: scope 'country' is not supported: Warden bans addresses and CIDR blocks (scope ip or range)
            error: \(file):7: no value: give the address or CIDR block to ban
            error: \(file):8: 2 fields, but the header names 4 columns
            error: \(file):9: a '"' inside an unquoted field; quote the whole field and double the quotes inside it
            error: \(file):10: cannot ban 127.0.0.1: it is allowlisted by 127.0.0.0/8 (loopback (IPv4)) in \(cli.folder)/allowlist; if it must really be banned, remove that entry first with 'warden allowlist del 127.0.0.0/8'
            error: cannot import \(file): 8 of 10 rows are invalid (listed above), nothing was imported; fix them, or pass --skip-invalid to import the valid ones

            """)
        XCTAssertEqual(cli.run("ban", "list").out, "No local decisions\n")

        let skipping = cli.run("ban", "import", file, "--skip-invalid")
        XCTAssertEqual(skipping.status, 0, skipping.err)
        XCTAssertEqual(
            skipping.out, "Imported 2 bans from \(file) into dummy; skipped 8 invalid rows (listed above)\n")
        XCTAssertTrue(skipping.err.hasPrefix("skipped \(file):3: '300.1.1.1' is not a valid IPv4 or IPv6 address\n"))
        XCTAssertEqual(skipping.err.split(separator: "\n").count, 8)
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cscli-import,10.0.0.0/8,manual,1,ban,,,2,4h0m0s
            cscli-import,192.0.2.1,manual,1,ban,,,2,4h0m0s

            """)
    }

    func testWholeFileErrorsNameTheLine() throws {
        let cli = try CLIHarness.dummy()
        // FILE stands for the file's path.
        let cases: [(String, String, String)] = [
            ("a.json", "[\n  {\"value\": \"192.0.2.1\"}\n  {\"value\": \"192.0.2.2\"}\n]\n",
             "FILE:3: invalid JSON: expected ',' or ']' after an element of the array"),
            ("b.json", "{\"value\": \"192.0.2.1\"}\n",
             "FILE:1: invalid JSON: the file must hold a JSON array of objects, such as [{\"value\": \"192.0.2.7\"}]"),
            ("c.csv", "ip,duration\n192.0.2.1,4h\n",
             "FILE:1: the header names no 'value' column; it names the columns, any of value,duration,reason,scope,type,origin"),
            ("d.csv", "value\n\"192.0.2.1\n", "FILE:2: a quoted field is not closed; end it with '\"'"),
            ("e.csv", "value\n", "FILE: no decision to import; the file holds no row"),
            ("f.txt", "192.0.2.1\n",
             "cannot tell the format of FILE from its name; name it .csv or .json, or pass --format csv|json"),
        ]
        for (name, text, message) in cases {
            let path = try write(cli, name, text)
            let result = cli.run("ban", "import", path)
            XCTAssertEqual(result.status, 64, name)
            XCTAssertEqual(result.err, "error: \(message.replacingOccurrences(of: "FILE", with: path))\n", name)
        }
        let json = try write(cli, "g.json", "[{\"value\": \"192.0.2.1\", \"duration\": 4}, 7]")
        XCTAssertEqual(cli.run("ban", "import", json).err, """
            error: \(json):1: 'duration' must be a string, found a number
            error: \(json):1: an element of the array is a number, not an object
            error: cannot import \(json): 2 of 2 rows are invalid (listed above), nothing was imported; fix them, or pass --skip-invalid to import the valid ones

            """)
        let bad = cli.run("ban", "import", json, "--duration", "forever")
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.err.hasPrefix(
            "Error: the defaults are wrong: 'forever' is not a valid duration; write it like 4h, 90m, 1h30m or 45s\n"), bad.err)
        XCTAssertEqual(cli.run("ban", "list").out, "No local decisions\n")
        let nothingValid = cli.run("ban", "import", json, "--skip-invalid")
        XCTAssertEqual(nothingValid.status, 64)
        XCTAssertEqual(nothingValid.err, """
            skipped \(json):1: 'duration' must be a string, found a number
            skipped \(json):1: an element of the array is a number, not an object
            error: cannot import \(json): none of its 2 rows is valid (listed above)

            """)
    }

    func testATargetListedTwiceIsBannedAsItsLastRowSays() throws {
        let cli = try CLIHarness.dummy()
        let file = try write(cli, "twice.csv", "value,duration\n192.0.2.1,1h\n192.0.2.1,2h\n")
        XCTAssertEqual(cli.run("ban", "import", file).out, "Imported 1 ban from \(file) into dummy\n")
        XCTAssertEqual(cli.run("ban", "list", "-o", "raw").out, """
            source,ip,reason,bans,action,country,as,events_count,expiration
            cscli-import,192.0.2.1,manual,1,ban,,,1,2h0m0s

            """)
    }

    func testAProgressBarIsDrawnOnlyOnATerminal() throws {
        let cli = try CLIHarness.dummy()
        let file = try write(cli, "three.csv", "value\n192.0.2.1\n192.0.2.2\n192.0.2.3\n")
        XCTAssertEqual(cli.run("ban", "import", file).err, "", "the harness's standard error is no terminal")
        let errors = Mutex("")
        CommandContext.current = CommandContext(
            write: { _ in }, writeError: { text in errors.withLock { $0 += text } }, clock: cli.clock.closure,
            environment: { _ in nil }, errorIsTerminal: true)
        XCTAssertEqual(CommandRunner.run(["-c", cli.config, "ban", "import", file]), 0)
        let bar = { (filled: Int, percent: Int, done: Int) in
            "\rchecking [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] \(percent)% \(done)/3"
        }
        XCTAssertEqual(
            errors.withLock { $0 },
            bar(9, 33, 1) + bar(19, 66, 2) + bar(30, 100, 3) + "\r\u{1B}[K" + "\r\u{1B}[Kstoring 3 bans in dummy..."
                + "\r\u{1B}[K")
    }
}
