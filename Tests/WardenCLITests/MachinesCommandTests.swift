import Foundation
import XCTest

/// `warden machines add|list|validate|delete`: the credentials file, bcrypt only on disk, each refusal.
final class MachinesCommandTests: XCTestCase {
    func testAddWritesTheCredentialsFileAnAgentReads_AndStoresOnlyBcrypt() throws {
        let cli = try CLIHarness.dummy()
        let path = cli.folder + "/agent.yaml"
        let added = cli.run("machines", "add", "agent-ssh", "-p", "agentPassw0rd-abcdef", "-f", path)
        XCTAssertEqual(added.status, 0, added.err)
        XCTAssertEqual(added.out, "Machine 'agent-ssh' registered; credentials written to \(path)\n")
        XCTAssertEqual(
            try String(contentsOfFile: path, encoding: .utf8),
            "url: http://127.0.0.1:8080/\nlogin: agent-ssh\npassword: agentPassw0rd-abcdef\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let file = try String(contentsOfFile: cli.folder + "/machines", encoding: .utf8)
        XCTAssertFalse(file.contains("agentPassw0rd"))
        XCTAssertNotNil(file.range(of: "\nagent-ssh\t\\$2b\\$10\\$[./A-Za-z0-9]{53}\tvalidated\t2026-11-23T12:00:00Z\n", options: .regularExpression), file)
    }

    func testAutoPasswordsAreLongAndPrintedWithoutFile() throws {
        let cli = try CLIHarness.dummy()
        let out = cli.run("machines", "add", "a", "--auto", "-u", "https://lapi.example:8443/").out
        let lines = out.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, out)
        XCTAssertEqual(lines[0], "url: https://lapi.example:8443/")
        XCTAssertEqual(lines[1], "login: a")
        XCTAssertNotNil(lines[2].range(of: "^password: [A-Za-z0-9]{64}$", options: .regularExpression), out)
        XCTAssertEqual(cli.run("machines", "add", "b", "-p", "with space \"q\"").out,
                       "url: http://127.0.0.1:8080/\nlogin: b\npassword: \"with space \\\"q\\\"\"\n")
    }

    func testListValidateAndDelete() throws {
        let cli = try CLIHarness.dummy()
        _ = cli.run("machines", "add", "agent-ssh", "--auto")
        XCTAssertEqual(cli.run("machines", "list", "-o", "raw").out,
                       "name,ip_address,status,version,last_login,last_heartbeat,created_at,auth_type\nagent-ssh,,validated,,never,never,2026-11-23T12:00:00Z,password\n")
        XCTAssertEqual(cli.run("machines", "validate", "agent-ssh").out, "Machine 'agent-ssh' validated\n")
        XCTAssertEqual(cli.run("machines", "delete", "agent-ssh").out, "Machine 'agent-ssh' deleted\n")
        XCTAssertEqual(cli.run("machines", "list").out,
                       "No machine registered; add one with 'warden machines add NAME --auto -f FILE'\n")
    }

    func testRefusals() throws {
        let cli = try CLIHarness.dummy()
        _ = cli.run("machines", "add", "agent-ssh", "--auto")
        let cases: [([String], String)] = [
            (["add", "agent-ssh", "--auto"],
             "a machine named 'agent-ssh' exists already; use --force to give it a new password, or choose another name"),
            (["add", "bad name", "--auto"], "'bad name' is not a valid machine name: use 1 to 128 letters, digits, '-', '_', '.' or '@'"),
            (["add", "x", "-p", ""], "the password must be 1 to 72 bytes without control characters; use --auto for a random one"),
            (["validate", "agent-sh"], "no machine named 'agent-sh'; did you mean 'agent-ssh'?"),
            (["delete", "zzzzzzzzzzz"], "no machine named 'zzzzzzzzzzz'; known machines: agent-ssh"),
        ]
        for (arguments, message) in cases {
            let result = cli.run(["machines"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertEqual(result.err, "error: \(message)\n", "\(arguments)")
        }
        let both = cli.run("machines", "add", "y", "--auto", "-p", "x")
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.err.hasPrefix("Error: give exactly one of --password P and --auto\n"), both.err)
        XCTAssertEqual(cli.run("machines", "add", "agent-ssh", "-p", "new-password", "--force").status, 0)
    }
}
