import Foundation
import XCTest

/// Go's text/template with sprig, the engine CrowdSec renders formats with, as
/// the reference: builds `Tests/support/oracles/template` (GOPATH mode, against
/// Debian's golang-github-masterminds-sprig-dev) and renders templates with it.
enum TemplateOracle {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One rendering by Go: its output, or its error text.
    enum Answer: Equatable {
        case output(String)
        case error(String)
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let source = repository.appendingPathComponent("Tests/support/oracles/template").path
    static let sprig = "/usr/share/gocode/src/github.com/Masterminds/sprig"

    /// The `go` command; a skip saying how to get Go and sprig, or a failure under CI (CI=true) where they must be present.
    static func goCommand() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/go" } + ["/usr/lib/go/bin/go", "/usr/bin/go"]
        let go = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        if let go, FileManager.default.fileExists(atPath: sprig) { return go }
        let missing = go == nil ? "go is not installed" : "sprig is not installed (\(sprig) is missing)"
        let message = "\(missing), so Go's template engine cannot run as the reference: Tests/support/install-deps.sh --with-go installs golang-go and golang-github-masterminds-sprig-dev"
        if environment["CI"] == "true" { throw Failure(description: message) }
        throw XCTSkip(message)
    }

    /// Renders every template over `alertsJSON` with Go, in a process whose only extra variable is `environment`.
    static func answers(templates: [String], alertsJSON: String, environment: [String: String]) throws -> [Answer] {
        let go = try goCommand()
        let folder = NSTemporaryDirectory() + "warden-template-oracle-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/gopath/src", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The oracle imports its models as "wardenoracle/models", so Go names the types models.Alert as CrowdSec's do.
        try FileManager.default.createSymbolicLink(atPath: folder + "/gopath/src/wardenoracle", withDestinationPath: source)
        let request: [String: Any] = ["alerts": try JSONSerialization.jsonObject(with: Data(alertsJSON.utf8)), "templates": templates]
        try JSONSerialization.data(withJSONObject: request).write(to: URL(fileURLWithPath: folder + "/in"))
        let build = "GO111MODULE=off GOCACHE='\(folder)/cache' GOPATH='\(folder)/gopath:/usr/share/gocode' '\(go)' build -o '\(folder)/oracle' wardenoracle"
        let exports = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let script = "set -e\ncd '\(folder)'\n\(build)\nTZ=UTC \(exports) ./oracle < in > out\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "the Go reference failed (status \(process.terminationStatus)): \(errorText)")
        }
        let lines = try String(contentsOfFile: folder + "/out", encoding: .utf8).split(separator: "\n")
        return try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else {
                throw Failure(description: "the Go reference answered something unexpected: \(line)")
            }
            if let output = object["output"] { return .output(output) }
            return .error(object["error"] ?? "")
        }
    }
}
