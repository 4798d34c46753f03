import Foundation
import WardenExpr
import XCTest

/// Evaluates Tests/Fixtures/expr/corpus.txt over every alert of alerts.json with
/// CrowdSec 1.4.6's engine (Debian's expr, built from Tests/support/oracles/expr)
/// and with WardenExpr, and requires the same outcome: the same value and Go type,
/// or a failure in the same phase (compile or run) with the same message, unless
/// the corpus line starts with `~`.
final class DifferentialTests: XCTestCase {
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
        let fixture = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appendingPathComponent("alerts.json"))) as! [String: Any]
        let lines = try String(contentsOf: Self.fixtures.appendingPathComponent("corpus.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
        XCTAssertGreaterThanOrEqual(lines.count, 300)
        let expected = try oracleOutcomes()
        let alerts = fixture["alerts"] as! [[String: Any?]]
        XCTAssertEqual(expected.count, alerts.count * lines.count, "the oracle answers once per alert and line")
        let environment = Self.environment(fixture)
        var mismatches: [String] = []
        var index = 0
        for (number, alert) in alerts.enumerated() {
            let value = Value.object(CrowdSecModels.Object(hostType: CrowdSecModels.alert, json: alert), CrowdSecModels.alert)
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

    static func environment(_ fixture: [String: Any]) -> Environment {
        let now = fixture["now"] as! String
        let counts = fixture["counts"] as! [String: Int]
        let since = fixture["since"] as! [String: Int]
        let active = fixture["active"] as! [String: Int]
        let left = fixture["time_left_seconds"] as! [String: Int]
        var functions = CrowdSecHelpers.functions(now: { now })
        @Sendable func text(_ v: Value) -> String {
            if case .string(let s) = v { return s }
            return ""
        }
        functions["GetDecisionsCount"] = Function(Signature([.string], returns: .intType)) { .int(counts[text($0[0])] ?? 0) }
        functions["GetDecisionsSinceCount"] = Function(Signature([.string, .string], returns: .intType)) {
            let window = text($0[1])
            guard window.allSatisfy({ $0.isNumber || "hmsµun.".contains($0) }), window.contains(where: \.isNumber) else {
                return .int(0)
            }
            return .int(since[text($0[0]) + "|" + window] ?? 0)
        }
        functions["GetActiveDecisionsCount"] = Function(Signature([.string], returns: .intType)) {
            .int(active[text($0[0])] ?? 0)
        }
        functions["GetActiveDecisionsTimeLeft"] = Function(Signature([.string], returns: .int(.duration))) {
            Duration.value(seconds: Int64(left[text($0[0])] ?? 0))
        }
        return Environment(variables: ["Alert": .pointer(.object(CrowdSecModels.alert))], functions: functions)
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
            return "{" + map.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
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
