/// Durations written the way Go writes them (`300ms`, `45s`, `90m`, `1h30m`),
/// the format of legacy CrowdSec configs, of `warden ban add` and of the
/// `duration` field CrowdSec's Local API sends to bouncers.
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

    /// Appends `ns` exactly as Go's `time.Duration.String()` writes it, to the
    /// nanosecond: `3h59m59.27288327s`, `-342.867802ms`, `1.5µs` (U+00B5), `500ns`, `0s`.
    /// CrowdSec 1.4.6 renders a decision's remaining time this way, unrounded.
    public static func append(nanoseconds ns: Int64, to bytes: inout [UInt8]) {
        // The magnitude as UInt64, so Int64.min needs no special case.
        let u = ns.magnitude
        if ns < 0 { bytes.append(UInt8(ascii: "-")) }
        switch u {
        case 0:
            bytes.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: "s")])
        case ..<1_000:
            DecimalText.append(u, to: &bytes)
            bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "s")])
        case ..<1_000_000:
            appendScaled(u, fractionDigits: 3, to: &bytes)
            bytes.append(contentsOf: [0xC2, 0xB5, UInt8(ascii: "s")])  // µ, U+00B5 as Go writes it
        case ..<1_000_000_000:
            appendScaled(u, fractionDigits: 6, to: &bytes)
            bytes.append(contentsOf: [UInt8(ascii: "m"), UInt8(ascii: "s")])
        default:
            // Go writes hours only past an hour and minutes only past a minute, then
            // always the seconds: `1h0m0s`, `1m0.5s`, `59.999s`.
            let seconds = u / 1_000_000_000
            if seconds >= 3600 {
                DecimalText.append(seconds / 3600, to: &bytes)
                bytes.append(UInt8(ascii: "h"))
            }
            if seconds >= 60 {
                DecimalText.append(seconds / 60 % 60, to: &bytes)
                bytes.append(UInt8(ascii: "m"))
            }
            DecimalText.append(seconds % 60, to: &bytes)
            appendFraction(u % 1_000_000_000, digits: 9, to: &bytes)
            bytes.append(UInt8(ascii: "s"))
        }
    }

    /// `append(nanoseconds:to:)` as a String.
    public static func format(nanoseconds ns: Int64) -> String {
        var bytes: [UInt8] = []
        append(nanoseconds: ns, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value / 10^fractionDigits` with its fraction, trailing zeros dropped: 1500, 3 → `1.5`.
    private static func appendScaled(_ value: UInt64, fractionDigits: Int, to bytes: inout [UInt8]) {
        var scale: UInt64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        DecimalText.append(value / scale, to: &bytes)
        appendFraction(value % scale, digits: fractionDigits, to: &bytes)
    }

    /// `.` and `fraction` as `digits` digits without the trailing zeros; nothing when it is 0.
    private static func appendFraction(_ fraction: UInt64, digits: Int, to bytes: inout [UInt8]) {
        guard fraction != 0 else { return }
        var value = fraction
        var width = digits
        while value % 10 == 0 {
            value /= 10
            width -= 1
        }
        bytes.append(UInt8(ascii: "."))
        let start = bytes.count
        for _ in 0..<width {
            bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
            value /= 10
        }
        bytes[start...].reverse()
    }
}
