/// text/template's own functions (Go 1.19 funcs.go): and, or, not, len,
/// index, slice, print, printf, println, html, js, urlquery, eq, ne, lt, le,
/// gt, ge, call.
enum Builtins {
    static let names: Set<String> = ["and", "or", "not", "len", "index", "slice", "print", "printf", "println", "html", "js", "urlquery", "eq", "ne", "lt", "le", "gt", "ge", "call"]

    static let functions: [String: TemplateFunction] = [
        // and/or short-circuit in the executor; these bodies never run.
        "and": TemplateFunction([.value], variadic: .value) { $0.last! },
        "or": TemplateFunction([.value], variadic: .value) { $0.last! },
        "not": TemplateFunction([.value]) { .bool(!($0[0].truth ?? false)) },
        "len": TemplateFunction([.value]) { try length($0[0]) },
        "index": TemplateFunction([.value], variadic: .value) { try index($0[0], Array($0.dropFirst())) },
        "slice": TemplateFunction([.value], variadic: .value) { try slice($0[0], Array($0.dropFirst())) },
        "print": TemplateFunction([GoType](), variadic: .interface) { .string(GoPrint.sprint($0)) },
        "println": TemplateFunction([GoType](), variadic: .interface) { .string(GoPrint.sprintln($0)) },
        "printf": TemplateFunction([.string], variadic: .interface) { args in
            guard case .string(let format) = args[0] else { return .string("") }
            return .string(GoPrint.sprintf(format, Array(args.dropFirst())))
        },
        "html": TemplateFunction([GoType](), variadic: .interface) { .string(htmlEscape(evalArgs($0))) },
        "js": TemplateFunction([GoType](), variadic: .interface) { .string(jsEscape(evalArgs($0))) },
        "urlquery": TemplateFunction([GoType](), variadic: .interface) { .string(queryEscape(evalArgs($0))) },
        "eq": TemplateFunction([.value], variadic: .value) { .bool(try equal($0[0], Array($0.dropFirst()))) },
        "ne": TemplateFunction([.value, .value]) { .bool(!(try equal($0[0], [$0[1]]))) },
        "lt": TemplateFunction([.value, .value]) { .bool(try less($0[0], $0[1])) },
        "le": TemplateFunction([.value, .value]) { .bool(try less($0[0], $0[1]) || equal($0[0], [$0[1]])) },
        "gt": TemplateFunction([.value, .value]) { .bool(!(try less($0[0], $0[1]) || equal($0[0], [$0[1]]))) },
        "ge": TemplateFunction([.value, .value]) { .bool(!(try less($0[0], $0[1]))) },
    ]

    /// The arguments of html, js and urlquery as one string (`fmt.Sprint` with pointers followed).
    static func evalArgs(_ args: [TemplateValue]) -> String {
        if args.count == 1, case .string(let s) = args[0] { return s }
        return GoPrint.sprint(args.map { v in
            if case .pointer = v { let (inner, isNil) = v.indirect; return isNil ? v : inner }
            return v
        })
    }

    private enum Kind: Equatable { case invalid, bool, int, float, string }

    private static func basicKind(_ v: TemplateValue) -> Kind {
        switch v {
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .string: .string
        default: .invalid
        }
    }

    static func equal(_ a: TemplateValue, _ others: [TemplateValue]) throws -> Bool {
        guard !others.isEmpty else { throw FunctionError("missing argument for comparison") }
        let k1 = basicKind(a)
        for b in others {
            let k2 = basicKind(b)
            if k1 != k2 {
                if a.type != nil && b.type != nil { throw FunctionError("incompatible types for comparison") }
                continue
            }
            switch (a, b) {
            case (.bool(let x), .bool(let y)): if x == y { return true }
            case (.int(let x, _), .int(let y, _)): if x == y { return true }
            case (.float(let x, _), .float(let y, _)): if x == y { return true }
            case (.string(let x), .string(let y)): if x == y { return true }
            default:
                switch (a, b) {
                case (.list, _), (_, .list), (.map, _), (_, .map):
                    let (typeA, typeB) = (a.type?.description ?? "<nil>", b.type?.description ?? "<nil>")
                    if typeA != typeB { throw FunctionError("non-comparable types \(GoPrint.operand(a)): \(typeA), \(typeB): \(GoPrint.operand(b))") }
                    throw FunctionError("non-comparable type \(GoPrint.operand(b)): \(typeB)")
                default: break
                }
                let nilA = a.isNilLike, nilB = b.isNilLike
                if nilA || nilB {
                    if nilA == nilB { return true }
                } else if GoPrint.value(a) == GoPrint.value(b) && a.type == b.type {
                    return true
                }
            }
        }
        return false
    }

    static func less(_ a: TemplateValue, _ b: TemplateValue) throws -> Bool {
        let k1 = basicKind(a), k2 = basicKind(b)
        guard k1 != .invalid, k2 != .invalid else { throw FunctionError("invalid type for comparison") }
        guard k1 == k2 else { throw FunctionError("incompatible types for comparison") }
        switch (a, b) {
        case (.int(let x, _), .int(let y, _)): return x < y
        case (.float(let x, _), .float(let y, _)): return x < y
        case (.string(let x), .string(let y)): return goLess(x, y)
        default: throw FunctionError("invalid type for comparison")
        }
    }

    static func length(_ v: TemplateValue) throws -> TemplateValue {
        let (item, isNil) = v.indirect
        if isNil { throw FunctionError("len of nil pointer") }
        switch item {
        case .string(let s): return .int(s.utf8.count)
        case .list(let items, _): return .int(items.count)
        case .map(let map, _): return .int(map.entries.count)
        case .null(let t):
            switch t.underlying {
            case .slice, .map: return .int(0)
            default: break
            }
        case .noValue: throw FunctionError("len of untyped nil")
        default: break
        }
        throw FunctionError("len of type \(item.type?.description ?? "<nil>")")
    }

    private static func indexArgument(_ v: TemplateValue, count: Int) throws -> Int {
        switch v {
        case .int(let i, _):
            if i < 0 || i > Int64(count) { throw FunctionError("index out of range: \(i)") }
            return Int(i)
        case .noValue: throw FunctionError("cannot index slice/array with nil")
        default: throw FunctionError("cannot index slice/array with type \(v.type?.description ?? "<nil>")")
        }
    }

    static func index(_ v: TemplateValue, _ indexes: [TemplateValue]) throws -> TemplateValue {
        guard v.type != nil else { throw FunctionError("index of untyped nil") }
        var item = v
        for i in indexes {
            let (target, isNil) = item.indirect
            if isNil { throw FunctionError("index of nil pointer") }
            switch target {
            case .list(let items, _):
                let x = try indexArgument(i, count: items.count)
                guard x < items.count else { throw FunctionError("reflect: slice index out of range") }
                item = items[x]
            case .string(let s):
                let bytes = Array(s.utf8)
                let x = try indexArgument(i, count: bytes.count)
                guard x < bytes.count else { throw FunctionError("reflect: string index out of range") }
                item = .int(Int64(bytes[x]), .named("uint8", .int))
            case .map(let map, let type):
                guard case .string(let key) = i else {
                    throw FunctionError("value has type \(i.type?.description ?? "<nil>"); should be string")
                }
                if case .map(let element) = type.underlying {
                    item = map[key] ?? .zero(of: element)
                } else {
                    item = map[key] ?? .noValue
                }
            case .null(let t):
                if case .map(let element) = t.underlying { item = .zero(of: element); continue }
                if case .slice = t.underlying { _ = try indexArgument(i, count: 0); throw FunctionError("reflect: slice index out of range") }
                throw FunctionError("can't index item of type \(t)")
            default:
                throw FunctionError("can't index item of type \(target.type?.description ?? "<nil>")")
            }
        }
        return item
    }

    static func slice(_ v: TemplateValue, _ indexes: [TemplateValue]) throws -> TemplateValue {
        guard v.type != nil else { throw FunctionError("slice of untyped nil") }
        guard indexes.count <= 3 else { throw FunctionError("too many slice indexes: \(indexes.count)") }
        let (item, _) = v.indirect
        var count: Int
        switch item {
        case .string(let s):
            if indexes.count == 3 { throw FunctionError("cannot 3-index slice a string") }
            count = s.utf8.count
        case .list(let items, _): count = items.count
        default: throw FunctionError("can't slice item of type \(item.type?.description ?? "<nil>")")
        }
        var idx = [0, count]
        for (i, index) in indexes.enumerated() {
            let x = try indexArgument(index, count: count)
            if i < 2 { idx[i] = x }
        }
        if idx[0] > idx[1] { throw FunctionError("invalid slice index: \(idx[0]) > \(idx[1])") }
        switch item {
        case .string(let s): return .string(String(decoding: Array(s.utf8)[idx[0]..<idx[1]], as: UTF8.self))
        case .list(let items, let type): return .list(Array(items[idx[0]..<idx[1]]), type)
        default: return item
        }
    }

    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func jsEscape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<": out += "\\u003C"
            case ">": out += "\\u003E"
            case "&": out += "\\u0026"
            case "=": out += "\\u003D"
            default:
                if scalar.value < 0x20 || (scalar.value >= 0x7F && !scalar.properties.isAlphabetic && scalar.properties.generalCategory == .control) {
                    out += "\\u" + hex(scalar.value, width: 4).uppercased()
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Go's `url.QueryEscape`.
    static func queryEscape(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default: out += "%" + hex(UInt32(byte), width: 2).uppercased()
            }
        }
        return out
    }
}

extension TemplateValue {
    /// Whether this is Go's nil: a missing value or a nil pointer, slice, map or interface.
    var isNilLike: Bool {
        switch self {
        case .noValue, .null: true
        default: false
        }
    }
}
