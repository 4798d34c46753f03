#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Go's float printing: the shortest round-tripping digits for `%v` (switching to
/// an exponent below 1e-4 and from 1e6 (shortest form)), and C's exact rounding for a given
/// precision (`%.2f`, `%e`), which Go's matches.
enum GoFloat {
    /// strconv.FormatFloat(x, 'g', -1, bits), as `%v` prints a float: exponent form when
    /// the decimal exponent is < -4 or >= `exponentThreshold`.
    static func shortest(_ x: Double, kind: FloatKind, exponentThreshold: Int = 6) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Inf" : "+Inf" }
        let (negative, digits, point) = decimalDigits(x, kind: kind)
        let sign = negative ? "-" : ""
        if digits == "0" { return sign + "0" }
        let exponent = point - 1
        if exponent < -4 || exponent >= exponentThreshold {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exponent)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        let index = digits.index(digits.startIndex, offsetBy: point)
        return sign + digits[..<index] + "." + digits[index...]
    }

    /// The shortest digits of `x` (no leading or trailing zeros) and the position of the decimal point.
    static func decimalDigits(_ x: Double, kind: FloatKind) -> (negative: Bool, digits: String, point: Int) {
        let text = kind == .float32 ? Float(x).description : x.description
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        var exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(body[body.index(after: e)...]) ?? 0
            body = body[..<e]
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var point = integer.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        if digits == "0" { point = 1 }
        return (negative, digits, point)
    }

    /// C's printf of one double with `spec` (such as `%.2f`): exactly rounded, as Go's.
    static func printf(_ spec: String, _ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = withVaList([x]) { vsnprintf(&buffer, buffer.count, spec, $0) }
        if count >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(count) + 1)
            _ = withVaList([x]) { vsnprintf(&buffer, buffer.count, spec, $0) }
        }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch text.trimmingSign {
        case "inf": return text.hasPrefix("-") ? "-Inf" : "+Inf"
        case "nan": return "NaN"
        default: return text
        }
    }
}

extension String {
    fileprivate var trimmingSign: String {
        hasPrefix("-") || hasPrefix("+") ? String(dropFirst()) : self
    }
}

/// Go's Duration.String: `1h0m0s`, `1m30s`, `1.5s`, `0s`, `1ms`.
enum GoDuration {
    static func string(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        let n = nanoseconds.magnitude
        var text: String
        if n < 1_000_000_000 {
            let (unit, scale): (String, UInt64) =
                n < 1000 ? ("ns", 1) : n < 1_000_000 ? ("µs", 1000) : ("ms", 1_000_000)
            text = fraction(n, scale) + unit
        } else {
            let hours = n / 3_600_000_000_000
            let minutes = n / 60_000_000_000 % 60
            text = fraction(n % 60_000_000_000, 1_000_000_000) + "s"
            if hours > 0 || minutes > 0 { text = "\(minutes)m" + text }
            if hours > 0 { text = "\(hours)h" + text }
        }
        return (negative ? "-" : "") + text
    }

    private static func fraction(_ value: UInt64, _ scale: UInt64) -> String {
        let whole = value / scale
        var rest = value % scale
        guard rest > 0 else { return "\(whole)" }
        var digits = ""
        var s = scale
        while s > 1 {
            s /= 10
            digits += String(rest / s)
            rest %= s
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}

/// Go's strconv number parsing, as the parser needs it for literals.
enum GoNumber {
    struct Failure: Error {
        var message: String
    }

    static func parseInt(_ text: String, allowPrefix: Bool) -> Result<Int64, Failure> {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("-") || body.hasPrefix("+") {
            negative = body.hasPrefix("-")
            body = body.dropFirst()
        }
        var radix = 10
        if allowPrefix, body.count > 2, body.hasPrefix("0x") || body.hasPrefix("0X") {
            radix = 16
            body = body.dropFirst(2)
        } else if allowPrefix, body.count > 1, body.hasPrefix("0") {
            radix = 8
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isHexDigit && Int(String($0), radix: radix) != nil })
        else { return .failure(Failure(message: "invalid syntax")) }
        guard let magnitude = UInt64(body, radix: radix) else {
            return .failure(Failure(message: "value out of range"))
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return .failure(Failure(message: "value out of range")) }
            return .success(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return .failure(Failure(message: "value out of range")) }
        return .success(Int64(magnitude))
    }

    /// A decimal float literal, or strconv's reason for refusing it.
    static func parseFloat(_ text: String) -> Result<Double, Failure> {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "eE+-.".contains($0)) }), let value = Double(text) else {
            return .failure(Failure(message: "invalid syntax"))
        }
        guard value.isFinite else { return .failure(Failure(message: "value out of range")) }
        return .success(value)
    }
}
