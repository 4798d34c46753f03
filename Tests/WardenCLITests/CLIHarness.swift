import Foundation
import Synchronization
import WardenCLI
import WardenTesting

/// Runs `warden` commands in this process against a temporary config folder,
/// capturing output, with a clock that moves only when told.
final class CLIHarness: @unchecked Sendable {
    let folder: String
    let clock = ManualClock()
    private let stdout = Mutex("")
    private let stderr = Mutex("")

    /// A config folder with one backend file per (name, library, config) entry.
    init(backends: [(name: String, library: String, config: [String: String])]) throws {
        folder = NSTemporaryDirectory() + "warden-cli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/plugins/backend", withIntermediateDirectories: true)
        try "plugin:\n  backend: ./plugins/backend\napi:\n  server:\n    bouncers_file: ./bouncers\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        for backend in backends {
            let lines = backend.config.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
            try "name: \(backend.name)\npath: \(backend.library)\nconfig:\n\(lines)"
                .write(toFile: folder + "/plugins/backend/\(backend.name).yaml", atomically: true, encoding: .utf8)
        }
    }

    /// A harness on the dummy backend with a store of its own.
    static func dummy() throws -> CLIHarness {
        try CLIHarness(backends: [(
            "dummy", BuildProducts.library("warden-backend-dummy"), ["store": "cli-\(UUID().uuidString)"]
        )])
    }

    var config: String { folder + "/config.yaml" }

    /// Runs `warden -c <config> <arguments>` in-process.
    func run(_ arguments: String...) -> (status: Int32, out: String, err: String) {
        run(arguments)
    }

    /// Runs `warden -c <config> <arguments>` in-process.
    func run(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        stdout.withLock { $0 = "" }
        stderr.withLock { $0 = "" }
        CommandContext.current = CommandContext(
            write: { text in self.stdout.withLock { $0 += text } },
            writeError: { text in self.stderr.withLock { $0 += text } },
            clock: clock.closure,
            environment: { _ in nil })
        let status = CommandRunner.run(["-c", config] + arguments)
        return (status, stdout.withLock { $0 }, stderr.withLock { $0 })
    }
}
