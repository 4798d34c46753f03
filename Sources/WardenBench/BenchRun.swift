import Glibc
import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore

/// The workloads for one backend at one size N, with the raw C run first.
struct BenchRun {
    let backend: String
    let library: String
    let n: Int
    let folder: String
    let rawC: String?
    let extraConfig: [String: String]

    /// Upper bounds on ms / raw ms set by the issues (nil: reported only).
    private func target(_ op: String) -> Double? {
        switch (backend, op) {
        case ("sqlite", "insert"), ("mysql", "insert"), ("postgresql", "insert"): 1.25  // >= 0.8x raw rows/s
        case ("sqlite", "read_at"), ("mysql", "read_at"), ("postgresql", "read_at"): 1.3
        case ("sqlite", "delete_first"), ("sqlite", "delete_avg"): 1.3
        case ("sqlite", "delete_all"), ("mysql", "delete_all"), ("postgresql", "delete_all"): 1.5
        case ("sqlite", "ban_add_process_median"): 2.0
        default: nil
        }
    }

    private var config: [String: String] {
        var config = extraConfig
        switch backend {
        case "sqlite": config["db_path"] = "\(folder)/warden-\(n).db"
        case "dummy": config["store"] = "bench-\(n)"
        case "mysql", "postgresql": config["db_name"] = "warden_bench_\(n)"
        default: break
        }
        return config
    }

    /// Runs the raw program, then the backend; returns the figures side by side.
    func measure(processes: Int, warden: String) throws -> [Figure] {
        let raw = try rawFigures()
        for suffix in ["", "-wal", "-shm"] { unlink("\(folder)/warden-\(n).db" + suffix) }
        let logger = Logger(label: "bench") { _ in StreamLogHandler.standardError(label: "bench") }
        let file = BackendConfigFile(name: backend, libraryPath: library, config: config, file: "<bench>")
        let store = try BanStore.load(
            file, injected: ["flush": "false"], logger: logger, clock: { Timestamp.now() }, allowUnsafeFiles: false)
        let data = BenchData(n: n, nowSeconds: Timestamp.now() / 1_000_000_000)
        var measured: [(String, Double, Int)] = []

        progress("\(backend) n=\(n): insert")
        var t0 = nowMs()
        for i in 0..<n { try store.insert(data.signal(i)) }
        try store.flush()
        measured.append(("insert", nowMs() - t0, n))

        progress("\(backend) n=\(n): read_at")
        t0 = nowMs()
        let active = try store.read(at: data.nowSeconds * 1_000_000_000)
        measured.append(("read_at", nowMs() - t0, active.count))

        if store.offersChanges {  // what the daemon pays per refresh: a snapshot once, then idle deltas
            progress("\(backend) n=\(n): changes_since")
            t0 = nowMs()
            let snapshot = try store.changes(since: 0)!
            measured.append(("changes_snapshot", nowMs() - t0, snapshot.changes.count))
            let idle = 1000
            t0 = nowMs()
            for _ in 0..<idle { _ = try store.changes(since: snapshot.cursor) }
            measured.append(("changes_idle_avg", (nowMs() - t0) / Double(idle), 0))
        }

        progress("\(backend) n=\(n): delete")
        let k = min(1000, data.distinct - 1)
        t0 = nowMs()
        var removed = try store.delete(target: data.address(0).description)
        try store.flush()
        measured.append(("delete_first", nowMs() - t0, removed))
        removed = 0
        t0 = nowMs()
        for i in stride(from: 1, through: k, by: 1) {
            removed += try store.delete(target: data.address(i).description)
            try store.flush()
        }
        if k > 0 { measured.append(("delete_avg", (nowMs() - t0) / Double(k), removed)) }

        progress("\(backend) n=\(n): delete_all")
        t0 = nowMs()
        let all = try store.deleteAll()
        try store.flush()
        measured.append(("delete_all", nowMs() - t0, all))

        let m = min(10_000, n)
        progress("\(backend) n=\(n): \(m) insert+flush pairs")
        t0 = nowMs()
        for i in 0..<m {
            try store.insert(data.signal(target: data.address(i), untilNs: (data.nowSeconds + 3600) * 1_000_000_000,
                                         createdNs: Timestamp.now()))
            try store.flush()
        }
        measured.append(("insert_flush_each", nowMs() - t0, m))
        try store.shutdown()

        var figures = measured.map { op, ms, rows in
            Figure(backend: backend, n: n, op: op, ms: ms, rows: rows, rawMs: raw[op], maxRatio: target(op))
        }
        if processes > 0 { figures += try processFigures(count: processes, warden: warden) }
        return figures
    }

    /// Runs the raw C program for this size and reads its `op=… ms=…` lines.
    private func rawFigures() throws -> [String: Double] {
        guard let rawC else { return [:] }
        progress("raw C n=\(n)")
        let arguments = backend == "sqlite" ? [rawC, "\(folder)/raw-\(n).db", String(n)] : [rawC, String(n)]
        if backend == "sqlite" { for suffix in ["", "-wal", "-shm"] { unlink("\(folder)/raw-\(n).db" + suffix) } }
        let (status, output) = try Spawn.run(arguments, captureOutput: true)
        guard status == 0 else { throw Spawn.Failure(description: "\(rawC) exited with \(status)") }
        var figures: [String: Double] = [:]
        for line in output.split(separator: "\n") {
            let fields = Dictionary(line.split(separator: " ").compactMap { pair -> (String, String)? in
                let kv = pair.split(separator: "=", maxSplits: 1)
                return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
            }) { a, _ in a }
            if let op = fields["op"], let ms = fields["ms"].flatMap(Double.init) { figures[op] = ms }
        }
        return figures
    }

    /// Times `warden ban add` as whole processes, alternating with the raw C `single` process.
    private func processFigures(count: Int, warden: String) throws -> [Figure] {
        let configFolder = "\(folder)/cli-\(backend)-\(n)"
        mkdir(configFolder, 0o755)
        mkdir(configFolder + "/backends", 0o755)
        let lines = config.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
        try write("plugin:\n  backend: ./backends\n", to: configFolder + "/config.yaml")
        try write("name: \(backend)\npath: \(library)\nconfig:\n\(lines)", to: configFolder + "/backends/\(backend).yaml")
        progress("\(backend) n=\(n): \(count) whole processes")
        var ours: [Double] = [], raw: [Double] = []
        for i in 0..<count {
            let ip = "10.250.\(i / 250).\(i % 250 + 1)"
            var t0 = nowMs()
            let (status, _) = try Spawn.run([warden, "-c", configFolder + "/config.yaml", "ban", "add", "ip", ip, "4h", "bench"])
            ours.append(nowMs() - t0)
            guard status == 0 else { throw Spawn.Failure(description: "warden ban add exited with \(status)") }
            if let rawC {
                let arguments = backend == "sqlite" ? [rawC, "\(folder)/raw-\(n).db", "single", ip] : [rawC, "single", ip]
                t0 = nowMs()
                try Spawn.run(arguments)
                raw.append(nowMs() - t0)
            }
        }
        func percentile(_ values: [Double], _ p: Double) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
        }
        return [
            Figure(backend: backend, n: n, op: "ban_add_process_median", ms: percentile(ours, 0.5)!, rows: 1,
                   rawMs: percentile(raw, 0.5), maxRatio: target("ban_add_process_median")),
            Figure(backend: backend, n: n, op: "ban_add_process_p90", ms: percentile(ours, 0.9)!, rows: 1,
                   rawMs: percentile(raw, 0.9), maxRatio: nil),
        ]
    }

    private func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else { throw Spawn.Failure(description: "cannot write \(path)") }
        fputs(text, file)
        fclose(file)
    }
}
