import Foundation
import XCTest

/// Go itself as the reference for the LAPI wire encoding: builds
/// `Tests/Fixtures/go-lapi-wire/main.go` with the `go` on this machine (Debian's
/// golang-go, which `Tests/run.sh` installs) and feeds it requests.
enum GoOracle {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/go-lapi-wire/main.go").path

    /// The `go` command, or a skip saying how to get one.
    static func goCommand() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/go" } + ["/usr/lib/go/bin/go", "/usr/bin/go"]
        guard let go = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("go is not installed, so the Go reference cannot run: apt-get install golang-go (Tests/run.sh does)")
        }
        return go
    }

    /// Builds the oracle, sends it `requests` (one a line) and returns its answers, one per request.
    static func answers(_ requests: [String]) throws -> [String] {
        let go = try goCommand()
        let folder = NSTemporaryDirectory() + "warden-go-oracle-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try (requests.joined(separator: "\n") + "\n").write(toFile: folder + "/in", atomically: true, encoding: .utf8)
        // GOPATH mode and a private build cache: no module download, nothing left in $HOME.
        let script = """
            set -e
            cd '\(folder)'
            GO111MODULE=off GOCACHE='\(folder)/cache' GOPATH='\(folder)/gopath' '\(go)' build -o oracle '\(source)'
            ./oracle < in > out
            """
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
        let output = try String(contentsOfFile: folder + "/out", encoding: .utf8)
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
