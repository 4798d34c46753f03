import Glibc

/// Instants as nanoseconds since the Unix epoch (UTC), with RFC 3339 text.
public enum Timestamp {
    /// The system's wall clock.
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// `2026-11-23T17:04:05Z` (whole seconds, UTC).
    public static func rfc3339(_ ns: Int64) -> String {
        var seconds = time_t(ns.quotientAndRemainder(dividingBy: 1_000_000_000).quotient)
        if ns < 0 && ns % 1_000_000_000 != 0 { seconds -= 1 }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Parses `2026-11-23T17:04:05Z`, `…+01:00`, `…05.123Z`, `2026-11-23 17:04:05` (UTC)
    /// and `2026-11-23` (midnight UTC). Nil for anything else, and for a time nanoseconds
    /// since 1970 cannot hold in 64 bits (before 1677-09-21 or after 2262-04-11).
    public static func parse(_ text: String) -> Int64? {
        let chars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int32? {
            guard from + count <= chars.count else { return nil }
            var value: Int32 = 0
            for c in chars[from..<(from + count)] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int32(c - 48)
            }
            return value
        }
        guard let year = number(0, 4), chars.count >= 10, chars[4] == 45, let month = number(5, 2),
              chars[7] == 45, let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        var index = 10
        var fractionNs: Int64 = 0
        var offsetSeconds = 0
        if index < chars.count {
            guard chars[index] == 84 || chars[index] == 116 || chars[index] == 32,  // T t space
                  let hour = number(11, 2), chars.count > 13, chars[13] == 58, let minute = number(14, 2),
                  chars.count > 16, chars[16] == 58, let second = number(17, 2),
                  hour < 24, minute < 60, second < 61
            else { return nil }
            parts.tm_hour = hour
            parts.tm_min = minute
            parts.tm_sec = second
            index = 19
            if index < chars.count, chars[index] == 46 {  // .fraction
                index += 1
                var digits = 0
                while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                    if digits < 9 { fractionNs = fractionNs * 10 + Int64(chars[index] - 48) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                // Digits past the ninth are read and dropped.
                for _ in min(digits, 9)..<9 { fractionNs *= 10 }
            }
            if index < chars.count {
                switch chars[index] {
                case 90, 122: index += 1  // Z z
                case 43, 45:  // + -
                    guard let oh = number(index + 1, 2), chars.count > index + 3, chars[index + 3] == 58,
                          let om = number(index + 4, 2)
                    else { return nil }
                    offsetSeconds = (chars[index] == 43 ? 1 : -1) * Int(oh * 3600 + om * 60)
                    index += 6
                default: return nil
                }
            }
            guard index == chars.count else { return nil }
        }
        let seconds = Int64(timegm(&parts)) - Int64(offsetSeconds)
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflowAgain) = ns.addingReportingOverflow(fractionNs)
        return overflowAgain ? nil : total
    }
}
