import WardenMetricNames

/// `warden metrics` in human form: one table per subject, as `cscli metrics` prints
/// them, from the samples of the daemon's Prometheus endpoint. A subject with nothing
/// counted yet is left out; rows are sorted by their label cells.
enum MetricsTables {
    static func render(_ samples: [PrometheusSample]) -> String {
        let tables = [
            bans(samples), activeBans(samples), requests(samples), pulls(samples), usage(samples), backendCalls(samples),
            busyBackends(samples), alerts(samples), notifications(samples), logins(samples), closedConnections(samples),
        ].compactMap { $0 }
        var text = tables.joined(separator: "\n")
        let refused = samples.first { $0.name == WardenMetricNames.allowlistRefusals }?.value ?? 0
        if refused > 0 { text += (text.isEmpty ? "" : "\n") + "Allowlist refusals: \(count(refused))\n" }
        return text.isEmpty ? "Nothing counted yet: no ban changed and no request was answered since the daemon started.\n" : text
    }

    // MARK: Tables

    private static func bans(_ samples: [PrometheusSample]) -> String? {
        let created = sums(samples, WardenMetricNames.bansCreated, by: ["origin", "backend"])
        let deleted = sums(samples, WardenMetricNames.bansDeleted, by: ["origin", "backend"])
        let keys = Set(created.keys).union(deleted.keys).sorted { $0.lexicographicallyPrecedes($1) }
        return table(
            "Bans created and deleted since the daemon started", ["ORIGIN", "BACKEND", "CREATED", "DELETED"],
            keys.map { $0 + [count(created[$0] ?? 0), count(deleted[$0] ?? 0)] })
    }

    private static func activeBans(_ samples: [PrometheusSample]) -> String? {
        let active = sums(samples, WardenMetricNames.activeBans, by: ["origin", "scope"]).filter { $0.value > 0 }
        return table("Active bans", ["ORIGIN", "SCOPE", "COUNT"], sortedRows(active) { [count($0)] })
    }

    private static func requests(_ samples: [PrometheusSample]) -> String? {
        let hits = sums(samples, WardenMetricNames.apiRequests, by: ["route", "method", "status"])
        let durations = averages(samples, WardenMetricNames.apiRequestDuration, by: ["route", "method"])
        return table(
            "Local API requests", ["ROUTE", "METHOD", "STATUS", "HITS", "AVG TIME"],
            sortedRows(hits) { [count($0)] }.map { row in row + [durations[Array(row[0..<2])].map(duration) ?? "-"] })
    }

    private static func pulls(_ samples: [PrometheusSample]) -> String? {
        table(
            "Bouncer pulls", ["BOUNCER", "ROUTE", "PULLS"],
            sortedRows(sums(samples, WardenMetricNames.bouncerPulls, by: ["bouncer", "route"])) { [count($0)] })
    }

    private static func usage(_ samples: [PrometheusSample]) -> String? {
        table(
            "Bouncer usage (as bouncers report it)", ["BOUNCER", "NAME", "UNIT", "ORIGIN", "REMEDIATION", "TOTAL"],
            sortedRows(sums(samples, WardenMetricNames.bouncerUsage, by: ["bouncer", "name", "unit", "origin", "remediation"])) {
                [count($0)]
            })
    }

    private static func backendCalls(_ samples: [PrometheusSample]) -> String? {
        let labels = ["backend", "operation"]
        let calls = sums(samples, WardenMetricNames.backendCallDuration + "_count", by: labels)
        let errors = sums(samples, WardenMetricNames.backendCallErrors, by: labels)
        let durations = averages(samples, WardenMetricNames.backendCallDuration, by: labels)
        return table(
            "Backend calls", ["BACKEND", "OPERATION", "CALLS", "ERRORS", "AVG TIME"],
            sortedRows(calls) { _ in [] }.map { key in
                key + [count(calls[key] ?? 0), count(errors[key] ?? 0), durations[key].map(duration) ?? "-"]
            })
    }

    /// The backends in a call now, for how long: a hung one keeps growing.
    private static func busyBackends(_ samples: [PrometheusSample]) -> String? {
        table(
            "Backend calls running", ["BACKEND", "FOR"],
            sortedRows(sums(samples, WardenMetricNames.backendCallRunning, by: ["backend"]).filter { $0.value > 0 }) {
                [count($0) + " s"]
            })
    }

    private static func logins(_ samples: [PrometheusSample]) -> String? {
        let results = sums(samples, WardenMetricNames.machineLogins, by: ["result"])
        guard results.values.contains(where: { $0 > 0 }) else { return nil }
        return table(
            "Machine logins", WardenMetricNames.loginResults.map { $0.uppercased() },
            [WardenMetricNames.loginResults.map { count(results[[$0]] ?? 0) }])
    }

    private static func closedConnections(_ samples: [PrometheusSample]) -> String? {
        table(
            "Connections closed by the daemon", ["REASON", "CONNECTIONS"],
            sortedRows(sums(samples, WardenMetricNames.apiConnectionsClosed, by: ["reason"]).filter { $0.value > 0 }) {
                [count($0)]
            })
    }

    private static func alerts(_ samples: [PrometheusSample]) -> String? {
        table(
            "Alerts received", ["MACHINE", "ALERTS"],
            sortedRows(sums(samples, WardenMetricNames.alertsReceived, by: ["machine"])) { [count($0)] })
    }

    private static func notifications(_ samples: [PrometheusSample]) -> String? {
        let results = sums(samples, WardenMetricNames.notifications, by: ["notification", "result"])
        let names = Set(results.keys.map { $0[0] }).sorted()
        return table(
            "Notifications", ["NOTIFICATION"] + WardenMetricNames.notificationResults.map { $0.uppercased() },
            names.map { name in [name] + WardenMetricNames.notificationResults.map { count(results[[name, $0]] ?? 0) } })
    }

    // MARK: Helpers

    /// A titled table, nil when it has no row.
    private static func table(_ title: String, _ headers: [String], _ rows: [[String]]) -> String? {
        guard !rows.isEmpty else { return nil }
        return title + ":\n" + TextTable(headers: headers, rows: rows).render()
    }

    /// The samples named `name`, summed per values of `labels` (a sample lacking one has "").
    private static func sums(_ samples: [PrometheusSample], _ name: String, by labels: [String]) -> [[String]: Double] {
        var sums: [[String]: Double] = [:]
        for sample in samples where sample.name == name {
            sums[labels.map { sample[label: $0] ?? "" }, default: 0] += sample.value
        }
        return sums
    }

    /// A histogram's mean (`_sum` / `_count`) per values of `labels`, where it counted something.
    private static func averages(_ samples: [PrometheusSample], _ name: String, by labels: [String]) -> [[String]: Double] {
        let totals = sums(samples, name + "_sum", by: labels)
        var means: [[String]: Double] = [:]
        for (key, calls) in sums(samples, name + "_count", by: labels) where calls > 0 {
            means[key] = (totals[key] ?? 0) / calls
        }
        return means
    }

    /// One row per key, sorted by its label cells, followed by `cells(value)`.
    private static func sortedRows(_ values: [[String]: Double], _ cells: (Double) -> [String]) -> [[String]] {
        values.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { $0 + cells(values[$0]!) }
    }

    /// A count as a whole number (counters are integers; a gauge could be fractional).
    static func count(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Seconds in the unit that reads best: `85µs`, `1.3ms`, `2.50s`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 0.001 { return "\(Int64((seconds * 1_000_000).rounded()))µs" }
        if seconds < 1 {
            let tenths = Int64((seconds * 10_000).rounded())
            return "\(tenths / 10).\(tenths % 10)ms"
        }
        let hundredths = Int64((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)s"
    }
}
