import ArgumentParser
import Glibc
import Logging
import WardenBackendHost
import WardenStore
import WardenTesting

/// `warden-bench measure` (the default): Warden's standard workloads through the backend
/// ABI, each printed as a ratio to the raw C program run on the same data in the same run.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Measure a backend through the ABI against the raw C limit, in the same run.",
        discussion: """
            Workloads per size N: insert N then flush; read_at(now) of all active; with warden.changes/1,
            a snapshot and the average idle changes_since (no raw C twin); delete(target)
            (first call, then the average of 1000, each flushed); delete_all; 10k one-ban insert+flush
            pairs; then `warden ban add` as a whole process (median and p90).
            """)

    @Option(help: "Backend to measure: sqlite, mysql, postgresql or dummy.") var backend = "sqlite"
    @Option(help: "The backend .so (default: the one built beside this program).") var library: String?
    @Option(help: "Comma-separated sizes N.") var sizes = "10000,100000"
    @Option(help: "The raw C baseline program for this backend (Benchmarks/raw).") var rawC: String?
    @Option(help: "Whole `warden ban add` processes to time (0: skip).") var processes = 200
    @Option(help: "The warden executable (default: the one built beside this program).") var warden: String?
    @Option(help: "Folder for databases and configs (default: a new folder under /tmp).") var workDir: String?
    @Option(name: .customLong("config"), help: "Extra backend config key=value (repeatable).") var extraConfig: [String] = []
    @Flag(help: "Print the figures as one JSON array instead of lines.") var json = false

    mutating func run() throws {
        let folder = workDir ?? "/tmp/warden-bench-\(getpid())"
        mkdir(folder, 0o755)
        let libraryPath = library ?? BuildProducts.library("warden-backend-\(backend)")
        let wardenPath = warden ?? BuildProducts.warden
        var figures: [Figure] = []
        for n in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let run = BenchRun(
                backend: backend, library: libraryPath, n: n, folder: folder, rawC: rawC,
                extraConfig: Dictionary(extraConfig.compactMap { pair -> (String, String)? in
                    guard let equals = pair.firstIndex(of: "=") else { return nil }
                    return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
                }) { _, new in new })
            let measured = try run.measure(processes: processes, warden: wardenPath)
            if !json { measured.forEach { print($0.line) } }
            figures += measured
        }
        if json {
            print("[\n  " + figures.map(\.json).joined(separator: ",\n  ") + "\n]")
        } else {
            print(Figure.summaryTable(figures))
        }
    }
}
