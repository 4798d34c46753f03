/// Go's float formatting (strconv's shortest forms), which both `fmt`'s `%v`
/// and `encoding/json` build on. Swift's `description` already finds the
/// shortest digits that round-trip; only the layout differs, and is redone here.
struct ShortestDecimal {
    /// Significant digits, no leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// Position of the decimal point: the value is 0.digits × 10^point.
    var point: Int
    var negative: Bool

    init(_ value: Double, bits: Int) {
        let text = bits == 32 ? Float(value).description : value.description
        var mantissa = Substring(text)
        negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(mantissa[mantissa.index(after: e)...].replacing("+", with: "")) ?? 0
            mantissa = mantissa[..<e]
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = Array(parts[0].utf8).map { $0 - 0x30 }
        let fraction = parts.count > 1 ? Array(parts[1].utf8).map { $0 - 0x30 } : []
        var all = whole + fraction
        var point = whole.count + exponent
        while let first = all.first, first == 0 { all.removeFirst(); point -= 1 }
        while let last = all.last, last == 0 { all.removeLast() }
        if all.isEmpty { point = 0 }
        digits = all
        self.point = point
    }

    private var digitText: String { String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self) }

    /// `%f` with the shortest precision.
    var fixed: String {
        var out = negative ? "-" : ""
        if digits.isEmpty { return out + "0" }
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + digitText
        } else if point >= digits.count {
            out += digitText + String(repeating: "0", count: point - digits.count)
        } else {
            let d = digitText
            let cut = d.index(d.startIndex, offsetBy: point)
            out += d[..<cut] + "." + d[cut...]
        }
        return out
    }

    /// `%e` with the shortest precision: at least two exponent digits.
    var exponential: String {
        var out = negative ? "-" : ""
        let d = digits.isEmpty ? "0" : digitText
        out += String(d.prefix(1))
        if d.count > 1 { out += "." + d.dropFirst() }
        let exponent = digits.isEmpty ? 0 : point - 1
        out += exponent < 0 ? "e-" : "e+"
        let magnitude = String(abs(exponent))
        out += magnitude.count < 2 ? "0" + magnitude : magnitude
        return out
    }

    /// `%g` with the shortest precision, as `fmt`'s `%v` prints floats.
    var general: String {
        let exponent = point - 1
        if !digits.isEmpty, exponent < -4 || exponent >= 6 { return exponential }
        return fixed
    }
}

/// Go's `%v` for a float of `bits` (32 or 64).
func goFormatFloat(_ value: Double, bits: Int) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    return ShortestDecimal(value, bits: bits).general
}
