// The conversions sprig applies to its arguments (strval, strslice, empty, spf13/cast).

extension TemplateValue {
    var stringValue: String {
        if case .string(let s) = self { return s }
        return ""
    }

    var intValue: Int64 {
        if case .int(let i, _) = self { return i }
        return 0
    }

    /// A nil `interface {}` (sprig drops those from quote, cat, and join).
    var isNilInterface: Bool {
        switch self {
        case .noValue: true
        case .null(let t): t == .interface
        default: false
        }
    }

    /// reflect.Kind's name, as sprig's `kindOf` prints it.
    var kindName: String {
        switch self {
        case .noValue: return "invalid"
        case .null(let t), .list(_, let t), .map(_, let t), .int(_, let t), .float(_, let t):
            switch t.underlying {
            case .pointer: return "ptr"
            case .slice: return "slice"
            case .map: return "map"
            case .interface: return "invalid"
            case .int: return "int"
            case .int32: return "int32"
            case .int64: return "int64"
            case .float32: return "float32"
            case .float64: return "float64"
            default: return t.description
            }
        case .bool: return "bool"
        case .string: return "string"
        case .pointer: return "ptr"
        case .object, .time: return "struct"
        }
    }
}

/// sprig's `strval`: strings as they are, Stringers (time) through String(), the rest as `%v`.
func strval(_ v: TemplateValue) -> String {
    switch v {
    case .string(let s): return s
    case .time(let t): return t.description
    default: return GoPrint.operand(v)
    }
}

/// sprig's `strslice`: a list's non-nil items through `strval`; anything else as a one-item list.
func strslice(_ v: TemplateValue) -> [String] {
    switch v {
    case .list(let items, _): return items.filter { !$0.isNilInterface }.map(strval)
    case .null(let t) where t.underlying != .interface: if case .slice = t.underlying { return [] }; return [strval(v)]
    case .noValue, .null: return []
    default: return [strval(v)]
    }
}

/// sprig's `empty`: nil, false, 0, "" and empty collections; pointers and structs never.
func isEmpty(_ v: TemplateValue) -> Bool {
    switch v {
    case .noValue, .null: true
    case .bool(let b): !b
    case .int(let i, _): i == 0
    case .float(let f, _): f == 0
    case .string(let s): s.isEmpty
    case .list(let items, _): items.isEmpty
    case .map(let map, _): map.entries.isEmpty
    case .pointer, .object, .time: false
    }
}

func deepEqual(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
    a.type == b.type && GoPrint.value(a) == GoPrint.value(b)
}

/// The items of a slice argument, or sprig's "Cannot find NAME on type KIND".
func listItems(_ v: TemplateValue, _ name: String) throws -> [TemplateValue] {
    switch v {
    case .list(let items, _): return items
    case .null(let t) where t.underlying != .interface: if case .slice = t.underlying { return [] }
    default: break
    }
    if v.isNilInterface { throw FunctionError("runtime error: invalid memory address or nil pointer dereference") }
    let verb = ["first": "find first on", "last": "find last on", "rest": "find rest on", "initial": "find initial on",
                "reverse": "find reverse on", "compact": "compact on", "uniq": "find uniq on", "has": "find has on",
                "append": "push on", "prepend": "prepend on", "concat": "concat", "slice": "slice"][name] ?? name
    if name == "slice" { throw FunctionError("list should be type of slice or array but \(v.kindName)") }
    if name == "concat" { throw FunctionError("Cannot concat type \(v.kindName) as list") }
    throw FunctionError("Cannot \(verb) type \(v.kindName)")
}

/// spf13/cast's ToInt64: pointers followed, floats truncated, strings parsed (base prefixes allowed), else 0.
func toInt64(_ v: TemplateValue) -> Int64 {
    switch v.indirect.value {
    case .int(let i, _): return i
    case .float(let f, _): return f.isFinite ? Int64(f.rounded(.towardZero)) : Int64.min
    case .bool(let b): return b ? 1 : 0
    case .string(let s):
        var text = Substring(s)
        // cast trims a zero decimal part: "4.0" → "4".
        if let dot = text.lastIndex(of: "."), text[text.index(after: dot)...].allSatisfy({ $0 == "0" }), dot != text.startIndex, dot != text.index(before: text.endIndex) {
            text = text[..<dot]
        }
        return parseGoInt(String(text), base10Only: false) ?? 0
    default: return 0
    }
}

func toFloat64(_ v: TemplateValue) -> Double {
    switch v.indirect.value {
    case .int(let i, _): return Double(i)
    case .float(let f, _): return f
    case .bool(let b): return b ? 1 : 0
    case .string(let s): return Double(s) ?? 0
    default: return 0
    }
}

/// Go's strconv.ParseInt with base 0 (0x, 0o, 0b prefixes, underscores) or base 10.
func parseGoInt(_ s: String, base10Only: Bool) -> Int64? {
    var text = Substring(s)
    var negative = false
    if text.hasPrefix("-") { negative = true; text = text.dropFirst() } else if text.hasPrefix("+") { text = text.dropFirst() }
    var radix = 10
    if !base10Only {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") { radix = 16; text = text.dropFirst(2) }
        else if lower.hasPrefix("0o") { radix = 8; text = text.dropFirst(2) }
        else if lower.hasPrefix("0b") { radix = 2; text = text.dropFirst(2) }
        else if text.count > 1 && text.hasPrefix("0") { radix = 8; text = text.dropFirst() }
        text = Substring(text.replacing("_", with: ""))
    }
    guard !text.isEmpty, let magnitude = UInt64(text, radix: radix) else { return nil }
    if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
    return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
}

