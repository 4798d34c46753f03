/// One measured figure beside its raw-C twin from the same run.
struct Figure {
    var backend: String
    var n: Int
    var op: String
    var ms: Double
    var rows: Int
    var rawMs: Double?
    /// The issue's target as a bound on ms / raw ms (nil: no target).
    var maxRatio: Double?

    var ratio: Double? { rawMs.map { $0 > 0 ? ms / $0 : 0 } }
    var rowsPerSecond: Double { ms > 0 ? Double(rows) / (ms / 1000) : 0 }
    var met: Bool? {
        guard let ratio, let maxRatio else { return nil }
        return ratio <= maxRatio
    }

    private func fixed(_ value: Double, _ digits: Int) -> String {
        var text = String(Int((value * pow10(digits)).rounded()))
        guard digits > 0 else { return text }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        return (negative ? "-" : "") + text
    }

    private func pow10(_ digits: Int) -> Double { (0..<digits).reduce(1.0) { a, _ in a * 10 } }

    /// `backend=sqlite n=100000 op=insert ms=… rows=… rows_per_s=… raw_c_ms=… ratio=… target=≤1.25 met=yes`
    var line: String {
        var parts = ["backend=\(backend)", "n=\(n)", "op=\(op)", "ms=\(fixed(ms, 3))", "rows=\(rows)",
                     "rows_per_s=\(fixed(rowsPerSecond, 0))"]
        parts.append("raw_c_ms=" + (rawMs.map { fixed($0, 3) } ?? "na"))
        parts.append("ratio=" + (ratio.map { fixed($0, 2) } ?? "na"))
        // Without a raw C run (no --raw-c) there is no ratio to judge.
        if let maxRatio { parts.append("target=<=\(fixed(maxRatio, 2)) met=\(met.map { $0 ? "yes" : "no" } ?? "na")") }
        return parts.joined(separator: " ")
    }

    var json: String {
        var pairs = ["\"backend\": \"\(backend)\"", "\"n\": \(n)", "\"op\": \"\(op)\"", "\"ms\": \(fixed(ms, 3))",
                     "\"rows\": \(rows)", "\"rows_per_s\": \(fixed(rowsPerSecond, 0))"]
        pairs.append("\"raw_c_ms\": " + (rawMs.map { fixed($0, 3) } ?? "null"))
        pairs.append("\"ratio\": " + (ratio.map { fixed($0, 3) } ?? "null"))
        pairs.append("\"max_ratio\": " + (maxRatio.map { fixed($0, 2) } ?? "null"))
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    /// A row of the closing summary table.
    var summaryCells: [String] {
        [backend, String(n), op, fixed(ms, 3), rawMs.map { fixed($0, 3) } ?? "-", ratio.map { fixed($0, 2) + "x" } ?? "-",
         maxRatio.map { "<=" + fixed($0, 2) + "x" } ?? "-", met.map { $0 ? "yes" : "NO" } ?? "-"]
    }

    /// The closing table, one row per figure.
    static func summaryTable(_ figures: [Figure]) -> String {
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
