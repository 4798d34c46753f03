/// Go's fmt as expressions see it: `%v` of values, `strconv.Quote`, and the
/// `Sprintf` CrowdSec exposes, with Go's markers for misuse (`%!d(string=a)`,
/// `%!d(MISSING)`, `%!(EXTRA int=1)`).
public enum GoFormat {
    /// strconv.Quote: double quotes, Go escapes, printable Unicode kept.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value >= 0x80 && !isPrintable(scalar) {
                    out +=
                        scalar.value > 0xFFFF
                        ? "\\U" + hex(scalar.value, width: 8) : "\\u" + hex(scalar.value, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: return false
        case .spaceSeparator: return scalar == " "
        default: return true
        }
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `%#U`: `U+0040 '@'`.
    static func unicodeDescription(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + hex(scalar.value, width: 4).uppercased()
        return isPrintable(scalar) ? "\(code) '\(Character(scalar))'" : code
    }

    /// `%v` of a value, as Go prints it.
    public static func plain(_ value: Value) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let v, .duration): return GoDuration.string(v)
        case .int(let v, _): return String(v)
        case .float(let v, let kind): return GoFloat.shortest(v, kind: kind)
        case .string(let s): return s
        case .array(let items, _): return "[" + items.map(plain).joined(separator: " ") + "]"
        case .map(let map, _):
            return "map[" + map.keys.sorted(by: goLess).map { "\($0):\(plain(map[$0]!))" }.joined(separator: " ") + "]"
        case .pointer(nil, _), .object(nil, _): return "<nil>"
        case .pointer(let target?, _): return "&" + plain(target)
        case .object(_, let type): return "&{\(type.name)}"
        case .function: return "func"
        }
    }

    static func goLess(_ a: String, _ b: String) -> Bool {
        Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }

    /// Go's `fmt.Sprintf`, for the verbs expressions use: `%v %s %d %f %e %g %q %x %X %t %T %%`,
    /// with flags (`-+ 0#`), width and precision.
    public static func sprintf(_ format: String, _ arguments: [Value]) -> String {
        var out = ""
        var index = 0
        let scalars = Array(format.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            guard c == "%" else {
                out.unicodeScalars.append(c)
                continue
            }
            var spec = Spec()
            while i < scalars.count, "-+ 0#".unicodeScalars.contains(scalars[i]) {
                spec.flags.insert(Character(scalars[i]))
                i += 1
            }
            spec.width = number(scalars, &i)
            if i < scalars.count, scalars[i] == "." {
                i += 1
                spec.precision = number(scalars, &i) ?? 0
            }
            guard i < scalars.count else {
                out += "%!(NOVERB)"
                break
            }
            let verb = Character(scalars[i])
            i += 1
            if verb == "%" {
                out += "%"
                continue
            }
            guard index < arguments.count else {
                out += "%!\(verb)(MISSING)"
                continue
            }
            out += spec.pad(formatOne(arguments[index], verb, spec))
            index += 1
        }
        if index < arguments.count {
            out +=
                "%!(EXTRA " + arguments[index...].map { "\($0.goTypeName)=\(plain($0))" }.joined(separator: ", ") + ")"
        }
        return out
    }

    private struct Spec {
        var flags: Set<Character> = []
        var width: Int?
        var precision: Int?

        func pad(_ text: String) -> String {
            guard let width, text.unicodeScalars.count < width else { return text }
            let fill = String(repeating: " ", count: width - text.unicodeScalars.count)
            return flags.contains("-") ? text + fill : fill + text
        }
    }

    /// A width or precision, as Go's `parsenum` reads it: past 1e6 it is "a crazy long
    /// number" and the rest of the format goes with it (the caller then writes `%!(NOVERB)`).
    private static func number(_ scalars: [Unicode.Scalar], _ i: inout Int) -> Int? {
        var value: Int?
        while i < scalars.count, ("0"..."9").contains(scalars[i]) {
            if let value, value > 1_000_000 {
                i = scalars.count
                return nil
            }
            value = (value ?? 0) * 10 + Int(scalars[i].value - 48)
            i += 1
        }
        return value
    }

    private static func bad(_ verb: Character, _ value: Value) -> String {
        if case .null = value { return "%!\(verb)(<nil>)" }
        return "%!\(verb)(\(value.goTypeName)=\(plain(value)))"
    }

    private static func formatOne(_ value: Value, _ verb: Character, _ spec: Spec) -> String {
        if verb == "T" { return value.goTypeName }
        switch value {
        case .bool(let b):
            return verb == "v" || verb == "t" ? (b ? "true" : "false") : bad(verb, value)
        case .int(let v, let kind):
            switch verb {
            case "v" where kind == .duration: return GoDuration.string(v)
            case "v", "d": return signed(String(v.magnitude), v < 0, spec)
            case "x", "X":
                let digits = String(v.magnitude, radix: 16, uppercase: verb == "X")
                return signed(digits, v < 0, spec)
            case "q":
                guard let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: v)) else { return "'�'" }
                return "'" + String(quote(String(Character(scalar))).dropFirst().dropLast()) + "'"
            case "s" where kind == .duration: return GoDuration.string(v)
            case "f", "F", "e", "g":
                return bad(verb, value)
            default: return bad(verb, value)
            }
        case .float(let v, let kind):
            switch verb {
            case "v", "g":
                if let precision = spec.precision { return GoFloat.printf("%\(flagText(spec)).\(precision)g", v) }
                let text = GoFloat.shortest(v, kind: kind)
                return spec.flags.contains("+") && v >= 0 ? "+" + text : text
            case "f", "F", "e", "E":
                let f = verb == "F" ? "f" : verb
                return GoFloat.printf("%\(flagText(spec)).\(spec.precision ?? 6)\(f)", v)
            default: return bad(verb, value)
            }
        case .string(let s):
            var text = s
            if let precision = spec.precision {
                text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(precision)))
            }
            switch verb {
            case "v", "s": return text
            case "q": return quote(text)
            case "x", "X":
                return text.utf8.map { hex(UInt32($0), width: 2) }.joined().applyingCase(upper: verb == "X")
            default: return bad(verb, value)
            }
        case .array(let items, _):
            return "[" + items.map { formatOne($0, verb, Spec()) }.joined(separator: " ") + "]"
        case .null:
            return verb == "v" ? "<nil>" : bad(verb, value)
        default:
            return verb == "v" || verb == "s" ? plain(value) : bad(verb, value)
        }
    }

    private static func flagText(_ spec: Spec) -> String {
        String(spec.flags.filter { "+ #".contains($0) }.sorted())
    }

    private static func signed(_ digits: String, _ negative: Bool, _ spec: Spec) -> String {
        var digits = digits
        if let precision = spec.precision, digits.count < precision {
            digits = String(repeating: "0", count: precision - digits.count) + digits
        }
        let sign = negative ? "-" : spec.flags.contains("+") ? "+" : spec.flags.contains(" ") ? " " : ""
        if spec.flags.contains("0"), !spec.flags.contains("-"), spec.precision == nil, let width = spec.width,
            sign.count + digits.count < width
        {
            digits = String(repeating: "0", count: width - sign.count - digits.count) + digits
        }
        return sign + digits
    }
}

extension String {
    fileprivate func applyingCase(upper: Bool) -> String { upper ? uppercased() : self }
}
