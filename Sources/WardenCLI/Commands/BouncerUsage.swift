import WardenConfig
import WardenMetricNames

/// What each bouncer instance reported it did (`POST /v1/usage-metrics`), as the running
/// daemon's metrics sum it, for `warden bouncers list`.
enum BouncerUsage {
    /// Per bouncer instance, its report as one cell: `dropped 24 request, dropped 3 byte`
    /// (summed over origins and remediations); nil when the daemon serves no metrics or
    /// does not answer.
    static func read(_ prometheus: PrometheusConfig?) -> [String: String]? {
        DaemonSamples.read(prometheus).map(cells)
    }

    /// Per bouncer instance, what `samples` say it reported.
    static func cells(_ samples: [PrometheusSample]) -> [String: String] {
        var totals: [String: [String: Double]] = [:]
        for sample in samples where sample.name == WardenMetricNames.bouncerUsage {
            guard let bouncer = sample[label: "bouncer"] else { continue }
            let what = "\(sample[label: "name"] ?? "") \(sample[label: "unit"] ?? "")"
            totals[bouncer, default: [:]][what, default: 0] += sample.value
        }
        return totals.mapValues { counts in
            counts.sorted { $0.key < $1.key }.map { what, value in
                let parts = what.split(separator: " ", maxSplits: 1).map(String.init)
                return "\(parts.first ?? "") \(Int(value)) \(parts.count > 1 ? parts[1] : "")".trimmingSpaces
            }.joined(separator: ", ")
        }
    }
}
