import ArgumentParser
import Glibc
import Logging
import WardenCore

/// `warden-bench`: Warden's standard workloads through the backend ABI, each printed
/// as a ratio to the raw C program run on the same data in the same run.
@main
struct WardenBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden-bench",
        abstract: "Measure a backend through the ABI against the raw C limit, in the same run.",
        discussion: """
            Workloads per size N: insert N then flush; read_at(now) of all active; delete(target)
            (first call, then the average of 1000, each flushed); delete_all; 10k one-ban insert+flush
            pairs; then `warden ban add` as a whole process (median and p90).
            """)

    @Option(help: "Backend to measure: sqlite, mysql or dummy.") var backend = "sqlite"
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
        let products = BenchPaths.productsFolder
        let libraryPath = library ?? "\(products)/libwarden-backend-\(backend).so"
        let wardenPath = warden ?? "\(products)/warden"
        var figures: [Figure] = []
        for n in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let run = BenchRun(
                backend: backend, library: libraryPath, n: n, folder: folder, rawC: rawC,
                extraConfig: Dictionary(extraConfig.compactMap { pair in
                    pair.split(separator: "=", maxSplits: 1).count == 2
                        ? (String(pair.split(separator: "=")[0]), String(pair.split(separator: "=", maxSplits: 1)[1])) : nil
                }) { _, new in new })
            let measured = try run.measure(processes: processes, warden: wardenPath)
            if !json { measured.forEach { print($0.line) } }
            figures += measured
        }
        if json {
            print("[\n  " + figures.map(\.json).joined(separator: ",\n  ") + "\n]")
        } else {
            print(BenchPaths.summary(figures))
        }
    }
}

enum BenchPaths {
    /// The folder holding this executable (SwiftPM puts every product there).
    static var productsFolder: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = String(decoding: buffer[0..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    /// The closing table, one row per figure.
    static func summary(_ figures: [Figure]) -> String {
        let headers = ["backend", "n", "op", "ms", "raw C ms", "ratio", "target", "met"]
        let rows = figures.map(\.summaryCells)
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { $1 + String(repeating: " ", count: widths[$0] - $1.count) }
                .joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}
