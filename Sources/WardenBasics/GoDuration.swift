/// Durations written the way Go writes them (`300ms`, `45s`, `90m`, `1h30m`),
/// the format of legacy CrowdSec configs and of `warden ban add`.
public enum GoDuration {
    private static let units: [(suffix: String, ns: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Parses `text` into nanoseconds; nil unless every number carries a unit
    /// (a bare `0` is allowed) and the total fits in 64 bits.
    public static func parse(_ text: String) -> Int64? {
        var chars = Substring(text)
        var negative = false
        if let first = chars.first, first == "-" || first == "+" {
            negative = first == "-"
            chars = chars.dropFirst()
        }
        if chars == "0" { return 0 }
        guard !chars.isEmpty else { return nil }
        var total = 0.0
        while !chars.isEmpty {
            let number = chars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            chars = chars.dropFirst(number.count)
            guard let unit = units.first(where: { chars.hasPrefix($0.suffix) }) else { return nil }
            chars = chars.dropFirst(unit.suffix.count)
            total += value * unit.ns
        }
        guard total < 9.2e18 else { return nil }
        return Int64(negative ? -total : total)
    }

    /// Formats whole seconds the way Go prints a duration rounded to the second:
    /// `4h0m0s`, `59m5s`, `45s`, `0s`, `-3s`.
    public static func format(seconds: Int64) -> String {
        if seconds < 0 { return "-" + format(seconds: -seconds) }
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        if h > 0 { return "\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(m)m\(s)s" }
        return "\(s)s"
    }

    /// Formats nanoseconds rounded to the nearest second (half away from zero), as Go's
    /// `d.Round(time.Second).String()` does.
    public static func format(roundingNanoseconds ns: Int64) -> String {
        let (q, r) = ns.quotientAndRemainder(dividingBy: 1_000_000_000)
        let rounded = abs(r) >= 500_000_000 ? q + (ns < 0 ? -1 : 1) : q
        return format(seconds: rounded)
    }
}
