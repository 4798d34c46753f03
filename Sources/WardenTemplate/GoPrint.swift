/// Go's `fmt` as templates use it: `%v` for printing values, `Sprint`'s
/// spacing rule, and the `printf` verbs formats use (%v %s %d %q %t %f %x %%).
enum GoPrint {
    /// The address Go would print for a pointer; real addresses change from run
    /// to run, so no template can rely on them.
    static let pointerText = "0xc000010000"

    /// `%v` of a value (`depth` > 0 inside a slice, map or struct, where Go
    /// prints pointers as addresses instead of following them).
    static func value(_ v: TemplateValue, depth: Int = 0) -> String {
        switch v {
        case .noValue: return "<invalid reflect.Value>"
        case .null(let type):
            switch type.underlying {
            case .slice: return "[]"
            case .map: return "map[]"
            default: return "<nil>"
            }
        case .bool(let b): return b ? "true" : "false"
        case .int(let i, _): return String(i)
        case .float(let f, let type): return goFormatFloat(f, bits: type.underlying == .float32 ? 32 : 64)
        case .string(let s): return s
        case .pointer(let inner):
            if depth == 0 {
                switch inner {
                case .list, .map, .object: return "&" + value(inner, depth: depth + 1)
                default: break
                }
            }
            return pointerText
        case .list(let items, _): return "[" + items.map { value($0, depth: depth + 1) }.joined(separator: " ") + "]"
        case .map(let map, _):
            let entries = map.entries
            return "map[" + map.sortedKeys.map { "\($0):" + value(entries[$0]!, depth: depth + 1) }.joined(separator: " ") + "]"
        case .object(let o): return "{" + o.values.map { value($0, depth: depth + 1) }.joined(separator: " ") + "}"
        case .time(let t): return t.description
        }
    }

    /// What text/template prints for an action's value: pointers followed, a
    /// missing value as `<no value>`.
    static func printable(_ v: TemplateValue) -> String {
        if case .noValue = v { return "<no value>" }
        if case .pointer = v {
            let (inner, isNil) = v.indirect
            return isNil ? "<nil>" : value(inner)
        }
        return value(v)
    }

    /// An operand of `Sprint`: a nil interface prints `<nil>`.
    static func operand(_ v: TemplateValue) -> String {
        if case .noValue = v { return "<nil>" }
        return value(v)
    }

    private static func isString(_ v: TemplateValue) -> Bool {
        if case .string = v { return true }
        return false
    }

    /// `fmt.Sprint`: spaces between operands when neither side is a string.
    static func sprint(_ args: [TemplateValue]) -> String {
        var out = ""
        for (i, a) in args.enumerated() {
            if i > 0 && !isString(a) && !isString(args[i - 1]) { out += " " }
            out += operand(a)
        }
        return out
    }

    /// `fmt.Sprintln`: spaces between all operands, and a newline.
    static func sprintln(_ args: [TemplateValue]) -> String {
        args.map(operand).joined(separator: " ") + "\n"
    }

    /// `fmt.Sprintf` for the verbs formats use; others print as Go's `%!c(type=value)`.
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        var out = ""
        var next = 0
        var chars = Array(format)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            guard c == "%" else { out.append(c); continue }
            var flags = ""
            while let f = chars.first, "+-# 0".contains(f) { flags.append(f); chars = chars.dropFirst() }
            let width = number(&chars)
            var precision: Int?
            if chars.first == "." {
                chars = chars.dropFirst()
                precision = number(&chars) ?? 0
            }
            guard let verb = chars.first else { out += "%!(NOVERB)"; break }
            chars = chars.dropFirst()
            if verb == "%" { out += "%"; continue }
            guard next < args.count else { out += "%!\(verb)(MISSING)"; continue }
            let arg = args[next]
            next += 1
            var text = formatVerb(verb, arg, precision: precision, plus: flags.contains("+"))
            if let w = width, text.count < w {
                let pad = String(repeating: flags.contains("0") && !flags.contains("-") ? "0" : " ", count: w - text.count)
                text = flags.contains("-") ? text + pad : pad + text
            }
            out += text
        }
        if next < args.count {
            out += "%!(EXTRA " + args[next...].map { "\(typeName($0))=\(operand($0))" }.joined(separator: ", ") + ")"
        }
        return out
    }

    /// A width or precision as Go's `parsenum` reads it (ASCII digits). Past 1e6 Go gives up
    /// and consumes the rest of the format: nil, with `chars` emptied (`%!(NOVERB)` follows).
    private static func number(_ chars: inout ArraySlice<Character>) -> Int? {
        var value: Int?
        while let d = chars.first, let digit = d.asciiValue, (48...57).contains(digit) {
            if let value, value > 1_000_000 {
                chars = chars[chars.endIndex...]
                return nil
            }
            value = (value ?? 0) * 10 + Int(digit - 48)
            chars = chars.dropFirst()
        }
        return value
    }

    static func typeName(_ v: TemplateValue) -> String { v.type?.description ?? "<nil>" }

    private static func formatVerb(_ verb: Character, _ arg: TemplateValue, precision: Int?, plus: Bool) -> String {
        let bad = "%!\(verb)(\(typeName(arg))=\(operand(arg)))"
        switch (verb, arg) {
        case ("v", _): return operand(arg)
        case ("s", .string(let s)): return precision.map { String(s.prefix($0)) } ?? s
        case ("s", .int), ("s", .bool), ("s", .float): return bad
        case ("s", _): return operand(arg)
        case ("d", .int(let i, _)): return (plus && i >= 0 ? "+" : "") + String(i)
        case ("t", .bool(let b)): return b ? "true" : "false"
        case ("q", .string(let s)): return goQuote(s)
        case ("x", .string(let s)): return s.utf8.map { hex(UInt32($0), width: 2) }.joined()
        case ("x", .int(let i, _)): return i < 0 ? "-" + String(-i, radix: 16) : String(i, radix: 16)
        case ("X", .int(let i, _)): return (i < 0 ? "-" + String(-i, radix: 16) : String(i, radix: 16)).uppercased()
        case ("f", .float(let f, _)), ("F", .float(let f, _)): return fixed(f, precision ?? 6)
        case ("e", .float(let f, _)): return ShortestDecimal(f, bits: 64).exponential
        case ("g", .float(let f, let t)): return goFormatFloat(f, bits: t.underlying == .float32 ? 32 : 64)
        default: return bad
        }
    }

    /// `%.Nf`, rounding half to even on the exact binary value as Go does for typical inputs.
    static func fixed(_ value: Double, _ precision: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        var scale = 1.0
        for _ in 0..<precision { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrEven)
        var digits = String(wholeNumber: scaled)
        while digits.count <= precision { digits = "0" + digits }
        let cut = digits.index(digits.endIndex, offsetBy: -precision)
        let sign = value < 0 || (value == 0 && value.sign == .minus) ? "-" : ""
        return sign + digits[..<cut] + (precision > 0 ? "." + digits[cut...] : "")
    }
}

private extension String {
    /// The integer digits of a whole, non-negative Double.
    init(wholeNumber value: Double) {
        if value < 9.0e18 { self = String(UInt64(value)); return }
        self = ShortestDecimal(value, bits: 64).fixed
    }
}
