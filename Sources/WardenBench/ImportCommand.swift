import ArgumentParser
import Glibc
import Logging
import WardenBackendHost
import WardenConfig
import WardenModel
import WardenStore

/// `warden-bench import`: loads a benchmark's ban targets into every backend of a
/// Warden config, the `BAN_IMPORT` of `Benchmarks/api` for `warden run` (a running
/// daemon picks them up from the store within its sync interval).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Ban every target of a file in every backend of a Warden config.",
        discussion: """
            FILE holds one address or CIDR block a line (a '/' means a block), as \
            Benchmarks/api/targets.sh prints them. Each is banned for DURATION with reason "bench" and \
            origin "cscli-import", as `cscli decisions import` bans them on CrowdSec. Every backend gets \
            every ban; each backend is flushed every --batch inserts and at the end.
            """)

    @Option(name: [.short, .customLong("config")], help: "The Warden main config whose backends receive the bans.")
    var config: String
    @Option(help: "Inserts between two flushes.") var batch = 10_000
    @Argument(help: "The file of targets.") var file: String
    @Argument(help: "How long each ban lasts (a Go duration: 24h, 90m).") var duration: String

    mutating func run() throws {
        guard batch >= 1 else { throw BenchError("cannot import: --batch must be 1 or more, got \(batch)") }
        let durationNs = try BanImport.duration(duration)
        let text: String
        switch FileSystem.read(file) {
        case .success(let t): text = t
        case .failure(let error): throw BenchError("cannot import \(file): \(error); give a file of targets, one a line")
        }
        let load = BanImport(targets: try BanImport.targets(in: text, file: file), durationNs: durationNs)
        let logger = Logger(label: "warden-bench") { _ in StreamLogHandler.standardError(label: "warden-bench") }
        let store = try BanStore.open(
            try MainConfig.load(path: config), sweepsExpiredBans: false, logger: logger, clock: { Timestamp.now() },
            allowUnsafeFiles: getenv(BackendLoadError.allowUnsafeVariable).map { String(cString: $0) } == "1")
        // A backend left out would serve fewer decisions than the other servers hold.
        if let first = store.discarded.first {
            throw BenchError("cannot import: backend '\(first.config.name)' did not load: \(first.reason); fix its file first")
        }
        let now = Timestamp.now()
        try store.requireBackends()
        for backend in store.instances {
            let start = nowMs()
            try load.load(into: backend, now: now, batch: batch)
            try backend.shutdown()
            progress("\(backend.name): \(load.targets.count) bans in \(Int(nowMs() - start)) ms")
        }
    }
}
