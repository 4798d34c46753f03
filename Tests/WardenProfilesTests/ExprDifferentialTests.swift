import Foundation
import WardenAlerts
import WardenBasics
import WardenExpr
import WardenProfiles
import XCTest

/// Evaluates Tests/Fixtures/expr/corpus.txt over every alert of alerts.json with
/// CrowdSec 1.4.6's engine (Debian's expr, built from Tests/support/oracles/expr)
/// and with WardenExpr over WardenAlerts' alerts in the profiles' environment, and
/// requires the same outcome: the same value and Go type, or a failure in the same
/// phase (compile or run) with the same message, unless the line starts with `~`.
final class ExprDifferentialTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/expr")
    static let oracle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("support/oracles/expr")

    struct Outcome: Equatable, CustomStringConvertible {
        var phase: String
        var type = ""
        var value = ""
        var error = ""
        var description: String {
            phase == "ok" ? "\(type) \(value)" : "\(phase) error: \(error)"
        }
    }

    func testCorpusMatchesCrowdSecExpr() throws {
        let fixture =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: Self.fixtures.appendingPathComponent("alerts.json"))) as! [String: Any]
        let lines = try String(contentsOf: Self.fixtures.appendingPathComponent("corpus.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
        XCTAssertGreaterThanOrEqual(lines.count, 300)
        let expected = try oracleOutcomes()
        let alerts = try Self.alerts()
        XCTAssertEqual(expected.count, alerts.count * lines.count, "the oracle answers once per alert and line")
        let environment = Self.environment(fixture)
        var mismatches: [String] = []
        var index = 0
        for (number, alert) in alerts.enumerated() {
            let value = AlertTypes.value(of: alert)
            for line in lines {
                let loose = line.hasPrefix("~")
                let source = loose ? String(line.dropFirst()) : line
                let actual = Self.outcome(source, environment, ["Alert": value])
                var want = expected[index]
                index += 1
                // Go tells a nil slice from an empty one; WardenExpr's host values do not.
                if want.phase == "ok", want.value == "nil", want.type.hasPrefix("[]") || want.type == "models.Meta" {
                    want.value = "[]"
                }
                let same = loose ? actual.phase == want.phase : actual == want
                if !same { mismatches.append("alert \(number): \(source)\n    expr:   \(want)\n    warden: \(actual)") }
            }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) differences:\n" + mismatches.joined(separator: "\n"))
    }

    /// The fixture's alerts, decoded as the Local API decodes them.
    static func alerts() throws -> [Alert] {
        struct Fixture: Decodable {
            var alerts: [Alert]
        }
        let data = try Data(contentsOf: fixtures.appendingPathComponent("alerts.json"))
        return try JSONDecoder().decode(Fixture.self, from: data).alerts
    }

    /// The profiles' environment, with the fixture's clock and decision tables.
    static func environment(_ fixture: [String: Any]) -> Environment {
        ProfileEnvironment.make(history: FixtureHistory(fixture), now: { 1_795_492_800 })  // 2026-11-24T04:00:00Z
    }

    /// The counting helpers answered from the fixture's tables, as the oracle answers them.
    struct FixtureHistory: DecisionHistory {
        let counts: [String: Int], since: [String: Int], active: [String: Int], left: [String: Int]

        init(_ fixture: [String: Any]) {
            counts = fixture["counts"] as! [String: Int]
            // The oracle keys "value|24h"; the history is asked in seconds.
            since = Dictionary(
                uniqueKeysWithValues: (fixture["since"] as! [String: Int]).map { key, count in
                    let parts = key.split(separator: "|")
                    return ("\(parts[0])|\(GoDuration.parse(String(parts[1]))! / 1_000_000_000)", count)
                })
            active = fixture["active"] as! [String: Int]
            left = fixture["time_left_seconds"] as! [String: Int]
        }

        func decisionsCount(value: String) -> Int { counts[value] ?? 0 }
        func decisionsCount(value: String, since seconds: Int64) -> Int { since["\(value)|\(seconds)"] ?? 0 }
        func activeDecisionsCount(value: String) -> Int { active[value] ?? 0 }
        func activeDecisionsTimeLeft(value: String) -> Int64 { Int64(left[value] ?? 0) }
    }

    static func outcome(_ source: String, _ environment: Environment, _ variables: [String: Value]) -> Outcome {
        let program: Program
        do {
            program = try Program(source, environment: environment)
        } catch {
            return Outcome(phase: "compile", error: error.summary)
        }
        do {
            let value = try program.run(variables)
            return Outcome(phase: "ok", type: value.type.description, value: render(value))
        } catch {
            return Outcome(phase: "run", error: error.summary)
        }
    }

    /// The oracle's rendering (render.go): unambiguous, without addresses.
    static func render(_ value: Value) -> String {
        switch value {
        case .null, .pointer(nil, _), .object(nil, _): return "nil"
        case .string(let s): return GoFormat.quote(s)
        case .array(let items, _): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .map(let map, _):
            return "{"
                + map.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { GoFormat.quote($0) + ": " + render(map[$0]!) }.joined(separator: ", ") + "}"
        case .pointer(let target?, _): return "&" + render(target)
        case .object(_, let type): return "&" + type.name
        default: return GoFormat.plain(value)
        }
    }

    /// Builds and runs the Go oracle. Without Go the test skips, except on CI (`CI=true`), where it fails.
    func oracleOutcomes() throws -> [Outcome] {
        let environment = ProcessInfo.processInfo.environment
        let candidates = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/go" } + ["/usr/bin/go"]
        guard let go = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
            FileManager.default.fileExists(atPath: "/usr/share/gocode/src/github.com/antonmedv/expr")
        else {
            let message = "Go or Debian's expr is missing: run Tests/support/install-deps.sh --with-go"
            if environment["CI"] == "true" { throw Failure(message) }
            throw XCTSkip(message)
        }
        let folder = NSTemporaryDirectory() + "warden-expr-oracle-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = """
            set -e
            mkdir -p '\(folder)/gopath/src'
            ln -s '\(Self.oracle.path)' '\(folder)/gopath/src/wardenoracle'
            cd '\(folder)/gopath/src/wardenoracle'
            GO111MODULE=off GOCACHE='\(folder)/cache' GOPATH='\(folder)/gopath:/usr/share/gocode' '\(go)' build -o '\(folder)/oracle' .
            '\(folder)/oracle' '\(Self.fixtures.path)/alerts.json' '\(Self.fixtures.path)/corpus.txt' > '\(folder)/out'
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure("the expr oracle failed: \(errorText)") }
        return try String(contentsOfFile: folder + "/out", encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
            return Outcome(
                phase: object["phase"]!, type: object["type"] ?? "", value: object["value"] ?? "",
                error: object["error"] ?? "")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
