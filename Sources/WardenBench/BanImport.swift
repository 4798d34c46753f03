import WardenBackendHost
import WardenBasics
import WardenEngine
import WardenModel

/// The bulk loader behind `warden-bench import`: the targets of a benchmark file
/// (`Benchmarks/api/targets.sh`, one address or CIDR block a line) banned alike, as
/// `cscli decisions import` bans them on CrowdSec, so both servers hold the same
/// decisions. Goes straight to each backend's insert, with one flush per batch:
/// `BanStore.add` flushes every ban, which at 100k bans is the load's whole cost.
struct BanImport {
    var targets: [BanTarget]
    var durationNs: Int64
    /// The ban's reason, hence the decision's `scenario`.
    var reason = "bench"
    /// `cscli-import`, the origin CrowdSec gives imported decisions (passed through as is).
    var origin = "cscli-import"

    /// Parses the file's text: a line with a `/` is a block, any other an address;
    /// blank lines are skipped.
    /// - Throws: ``BenchError`` naming the file and line of the first bad target.
    static func targets(in text: String, file: String) throws(BenchError) -> [BanTarget] {
        var targets: [BanTarget] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let entry = String(line.filter { !$0.isWhitespace })
            if entry.isEmpty { continue }
            do throws(InputError) {
                targets.append(entry.contains("/") ? try BanTarget.parseRange(entry) : try BanTarget.parseIP(entry))
            } catch {
                throw BenchError("cannot import \(file): line \(number + 1): \(error.message); fix or remove that line")
            }
        }
        return targets
    }

    /// Parses a Go duration (`24h`, `90m`) of at least a second.
    /// - Throws: ``BenchError`` when it is not one.
    static func duration(_ text: String) throws(BenchError) -> Int64 {
        guard let ns = GoDuration.parse(text), ns >= 1_000_000_000 else {
            throw BenchError("cannot import: '\(text)' is not a duration of 1s or more; give one such as 24h or 90m")
        }
        return ns
    }

    /// Inserts every ban into `backend`, recorded at `now`, flushing each `batch` inserts
    /// and at the end, so all of them are durable when this returns.
    func load(into backend: LoadedBackend, now: Int64, batch: Int) throws(BackendCallError) {
        for (index, target) in targets.enumerated() {
            let ban = ManualBan(target: target, durationNs: durationNs, reason: reason, origin: origin)
            try backend.insert(Signals.manual(ban, at: now))
            if (index + 1) % batch == 0 { try backend.flush() }
        }
        try backend.flush()
    }
}
