import Foundation
import WardenTesting
import XCTest

/// Bad input exits 64 with a clear message and writes nothing; runtime failures exit 1.
final class ErrorMessageTests: XCTestCase {
    private let usage = "Usage: warden ban add ip [--config <config>] [--output <output>] [--debug] <target> <duration> "
        + "[<reason> ...] [--remediation <remediation>]\n  See 'warden ban add ip --help' for more information.\n"

    func testBadInputExits64AndWritesNothing() throws {
        let cli = try CLIHarness.dummy()
        let cases: [([String], String)] = [
            (["ip", "10.0.0.300", "4h", "x"], "Error: '10.0.0.300' is not a valid IPv4 or IPv6 address\n"),
            (["ip", "192.0.2.1", "4days", "x"], "Error: '4days' is not a valid duration; write it like 4h, 90m, 1h30m or 45s\n"),
            (["ip", "192.0.2.1", "0s", "x"], "Error: the duration must be greater than zero, got '0s'\n"),
            (["ip", "192.0.2.1", "4h"], "Error: missing reason: say why after the duration, e.g. 'ssh bruteforce'\n"),
            (["ip", "10.0.0.0/8", "4h", "x"], "Error: '10.0.0.0/8' is a CIDR block, not an address; use 'range' instead of 'ip'\n"),
        ]
        for (arguments, message) in cases {
            let result = cli.run(["ban", "add"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertEqual(result.err, message + usage, "\(arguments)")
        }
        let range = cli.run("ban", "add", "range", "10.1.2.3/8", "4h", "x")
        XCTAssertEqual(range.status, 64)
        XCTAssertTrue(range.err.hasPrefix(
            "Error: '10.1.2.3/8' is not a valid CIDR block: host bits are set; did you mean 10.0.0.0/8?\n"), range.err)
        XCTAssertEqual(cli.run("ban", "list").out, "No local decisions\n", "nothing may be written on bad input")
    }

    func testUnknownBackendSuggestsTheClosestName() throws {
        let cli = try CLIHarness.dummy()
        let result = cli.run("ban", "list", "--backend", "dumy")
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.err, "error: no backend named 'dumy'; did you mean 'dummy'?\n")
        XCTAssertEqual(cli.run("ban", "list", "--backend", "mysql").err, "error: no backend named 'mysql'; known backends: dummy\n")
    }

    func testBadYAMLNamesFileAndLine() throws {
        let cli = try CLIHarness.dummy()
        let file = cli.folder + "/plugins/backend/broken.yaml"
        try "name: broken\npath: [x\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = cli.run("ban", "add", "ip", "192.0.2.1", "4h", "x")
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.err, "error: \(file):3: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence\n")
        try FileManager.default.removeItem(atPath: file)
        XCTAssertEqual(cli.run("ban", "list").out, "No local decisions\n", "nothing may be written on bad config")
    }

    func testNoBackendLoadedExits1() throws {
        let cli = try CLIHarness(backends: [("gone", "/nonexistent/libgone.so", [:])])
        let result = cli.run("ban", "add", "ip", "192.0.2.1", "4h", "x")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, """
            warning: cannot load backend "/nonexistent/libgone.so": no such file; check 'path' in the backend's YAML file; backend "gone" discarded
            error: no backend loaded: all 1 backend(s) in \(cli.folder)/plugins/backend were discarded (see the warnings above); fix them, then check with 'warden backends list'

            """)
    }

    func testBackendInitErrorIsAWarningAndTheOthersGoOn() throws {
        let dummy = BuildProducts.library("warden-backend-dummy")
        let cli = try CLIHarness(backends: [("bad", dummy, ["max_records": "many"]), ("good", dummy, ["store": "init-ok"])])
        let result = cli.run("ban", "add", "ip", "192.0.2.1", "4h", "x")
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.err, "warning: backend \"bad\" (\(dummy)): init failed with WARDEN_E_INVALID: config key "
            + "'max_records': 'many' is not a whole number from 0 to 2147483647; backend \"bad\" discarded\n")
        XCTAssertTrue(result.out.hasSuffix("stored in good\n"), result.out)
        let list = cli.run("backends", "list", "-o", "raw").out
        XCTAssertTrue(list.contains("bad,\(dummy),-,-,\"discarded: backend \"\"bad\"\" (\(dummy)): init failed"), list)
        XCTAssertTrue(list.contains("good,\(dummy),1.3,1.0.0 (swift),loaded"), list)
    }

    func testBackendsCheckRefusesWithTheLoaderMessage() throws {
        let cli = try CLIHarness.dummy()
        let result = cli.run("backends", "check", "/nonexistent/lib.so")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.err, "error: cannot load backend \"/nonexistent/lib.so\": no such file; check 'path' in the backend's YAML file\n")
        XCTAssertEqual(cli.run("backends", "check", BuildProducts.library("warden-backend-dummy")).out, """
            path: \(BuildProducts.library("warden-backend-dummy"))
            abi: 1.3 (host speaks 1.3)
            name: dummy
            version: 1.0.0 (swift)
            struct_size: 136
            get_extension: yes
            extensions: warden.maintenance/1, warden.changes/1, warden.history/1
            status: ok

            """)
    }

    func testBackendsCheckOfABareNameLoadsTheFileInTheCurrentFolder() throws {
        // A file named like a system library: dlopen("libm.so.6") would load the system's.
        let cli = try CLIHarness.dummy()
        let folder = cli.folder + "/cwd"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: BuildProducts.library("warden-backend-dummy"), toPath: folder + "/libm.so.6")
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let result = cli.run("backends", "check", "libm.so.6")
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.out.hasPrefix("path: libm.so.6\nabi: 1.3 (host speaks 1.3)\nname: dummy\n"), result.out)
        XCTAssertEqual(cli.run("backends", "check", "libnothing.so").err, """
            error: cannot load backend "\(folder)/libnothing.so": no such file; check 'path' in the backend's YAML file

            """)
    }

    func testTheBinaryExitsWithTheSameCodes() throws {
        let cli = try CLIHarness.dummy()
        func status(_ arguments: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BuildProducts.warden)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        XCTAssertEqual(try status(["-c", cli.config, "ban", "add", "ip", "999.0.0.1", "4h", "x"]), 64)
        XCTAssertEqual(try status(["-c", cli.config, "ban", "add", "ip", "192.0.2.1", "4h", "x"]), 0)
        XCTAssertEqual(try status(["-c", "/nonexistent.yaml", "ban", "list"]), 64)
        XCTAssertEqual(try status(["backends", "check", "/nonexistent/lib.so"]), 1)
    }
}
