#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sprig 3.2.3's text functions (`sprig.TxtFuncMap()`), the ones notification
/// formats use, with sprig's own conversions: most take `interface {}` and
/// convert (`int`, `add`, `toString`), strings are Go byte strings.
public enum Sprig {
    /// Where `env` and `expandenv` read variables: the process environment by default.
    public typealias Environment = @Sendable (String) -> String?

    /// The process environment.
    public static let processEnvironment: Environment = { name in getenv(name).map { String(cString: $0) } }

    /// Every sprig function name, implemented or not, so that a format using one
    /// Warden lacks is told so rather than "not defined".
    static let allNames: Set<String> = [
        "hello", "ago", "date", "date_in_zone", "date_modify", "dateInZone", "dateModify", "duration", "durationRound", "htmlDate",
        "htmlDateInZone", "must_date_modify", "mustDateModify", "mustToDate", "now", "toDate", "unixEpoch", "abbrev", "abbrevboth",
        "trunc", "trim", "upper", "lower", "title", "untitle", "substr", "repeat", "trimall", "trimAll", "trimSuffix", "trimPrefix",
        "nospace", "initials", "randAlphaNum", "randAlpha", "randAscii", "randNumeric", "swapcase", "shuffle", "snakecase",
        "camelcase", "kebabcase", "wrap", "wrapWith", "contains", "hasPrefix", "hasSuffix", "quote", "squote", "cat", "indent",
        "nindent", "replace", "plural", "sha1sum", "sha256sum", "adler32sum", "toString", "atoi", "int64", "int", "float64", "seq",
        "toDecimal", "split", "splitList", "splitn", "toStrings", "until", "untilStep", "add1", "add", "sub", "div", "mod", "mul",
        "randInt", "add1f", "addf", "subf", "divf", "mulf", "biggest", "max", "min", "maxf", "minf", "ceil", "floor", "round", "join",
        "sortAlpha", "default", "empty", "coalesce", "all", "any", "compact", "mustCompact", "fromJson", "toJson", "toPrettyJson",
        "toRawJson", "mustFromJson", "mustToJson", "mustToPrettyJson", "mustToRawJson", "ternary", "deepCopy", "mustDeepCopy",
        "typeOf", "typeIs", "typeIsLike", "kindOf", "kindIs", "deepEqual", "env", "expandenv", "getHostByName", "base", "dir", "clean",
        "ext", "isAbs", "osBase", "osClean", "osDir", "osExt", "osIsAbs", "b64enc", "b64dec", "b32enc", "b32dec", "tuple", "list",
        "dict", "get", "set", "unset", "hasKey", "pluck", "keys", "pick", "omit", "merge", "mergeOverwrite", "mustMerge",
        "mustMergeOverwrite", "values", "append", "mustAppend", "prepend", "mustPrepend", "first", "mustFirst", "rest", "mustRest",
        "last", "mustLast", "initial", "mustInitial", "reverse", "mustReverse", "uniq", "mustUniq", "without", "mustWithout", "has",
        "mustHas", "slice", "mustSlice", "concat", "dig", "chunk", "mustChunk", "bcrypt", "htpasswd", "genPrivateKey",
        "derivePassword", "buildCustomCert", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
        "genSignedCert", "genSignedCertWithKey", "encryptAES", "decryptAES", "randBytes", "uuidv4", "semver", "semverCompare", "fail",
        "regexMatch", "mustRegexMatch", "regexFindAll", "mustRegexFindAll", "regexFind", "mustRegexFind", "regexReplaceAll",
        "mustRegexReplaceAll", "regexReplaceAllLiteral", "mustRegexReplaceAllLiteral", "regexSplit", "mustRegexSplit",
        "regexQuoteMeta", "urlParse", "urlJoin",
    ]

    private static let stringList = GoType.slice(.string)
    private static let anyMap = GoType.map(.interface)

    /// The implemented functions; `environment` answers `env` and `expandenv`.
    public static func functions(environment: @escaping Environment = processEnvironment) -> [String: TemplateFunction] {
        var f: [String: TemplateFunction] = [:]
        func string1(_ name: String, _ body: @escaping @Sendable (String) -> String) {
            f[name] = TemplateFunction([.string]) { .string(body($0[0].stringValue)) }
        }
        func string2(_ name: String, _ body: @escaping @Sendable (String, String) -> TemplateValue) {
            f[name] = TemplateFunction([.string, .string]) { body($0[0].stringValue, $0[1].stringValue) }
        }

        // Strings.
        string1("upper") { String(String.UnicodeScalarView($0.unicodeScalars.map(goUpper))) }
        string1("lower") { String(String.UnicodeScalarView($0.unicodeScalars.map(goLower))) }
        string1("title", goTitle)
        string1("untitle") { s in
            var out = String.UnicodeScalarView()
            var previous: Unicode.Scalar = " "
            for c in s.unicodeScalars {
                out.append(isTitleSeparator(previous) ? goLower(c) : c)
                previous = c
            }
            return String(out)
        }
        string1("trim") { $0.trimmingGo(where: isGoSpace) }
        string1("nospace") { String(String.UnicodeScalarView($0.unicodeScalars.filter { !isGoSpace($0) })) }
        string1("swapcase") { String(String.UnicodeScalarView($0.unicodeScalars.map { $0.properties.isUppercase ? goLower($0) : $0.properties.isLowercase ? goUpper($0) : $0 })) }
        string1("b64enc") { base64Encode(Array($0.utf8)) }
        string1("b64dec") { s in
            switch base64Decode(s) {
            case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .failure(let error): return error.description
            }
        }
        string1("env") { environment($0) ?? "" }
        string1("expandenv") { expand($0, environment) }
        string2("trimAll") { cutset, s in .string(s.trimmingGo { cutset.unicodeScalars.contains($0) }) }
        f["trimall"] = f["trimAll"]
        string2("trimPrefix") { .string($1.hasPrefix($0) ? String($1.dropFirst($0.count)) : $1) }
        string2("trimSuffix") { .string($1.hasSuffix($0) && !$0.isEmpty ? String($1.dropLast($0.count)) : $1) }
        string2("contains") { .bool($0.isEmpty || $1.contains($0)) }
        string2("hasPrefix") { .bool($1.utf8.starts(with: $0.utf8)) }
        string2("hasSuffix") { .bool($1.utf8.reversed().starts(with: $0.utf8.reversed())) }
        string2("splitList") { .list(goSplit($1, $0).map { .string($0) }, stringList) }
        string2("split") { sep, orig in
            var entries: [String: TemplateValue] = [:]
            for (i, part) in goSplit(orig, sep).enumerated() { entries["_\(i)"] = .string(part) }
            return .map(GoMap(entries), .map(.string))
        }
        f["splitn"] = TemplateFunction([.string, .int, .string]) { args in
            let parts = goSplit(args[2].stringValue, args[0].stringValue, limit: Int(args[1].intValue))
            var entries: [String: TemplateValue] = [:]
            for (i, part) in parts.enumerated() { entries["_\(i)"] = .string(part) }
            return .map(GoMap(entries), .map(.string))
        }
        f["replace"] = TemplateFunction([.string, .string, .string]) { args in
            let (old, new, src) = (args[0].stringValue, args[1].stringValue, args[2].stringValue)
            if old.isEmpty {
                // Go inserts `new` around every character.
                return .string(new + src.map { String($0) + new }.joined())
            }
            return .string(src.replacing(old, with: new))
        }
        f["repeat"] = TemplateFunction([.int, .string]) { args in
            let count = args[0].intValue
            guard count >= 0 else { throw FunctionError("strings: negative Repeat count") }
            return .string(String(repeating: args[1].stringValue, count: Int(count)))
        }
        f["substr"] = TemplateFunction([.int, .int, .string]) { args in
            let bytes = Array(args[2].stringValue.utf8)
            let start = Int(args[0].intValue), end = Int(args[1].intValue)
            let range: Range<Int>
            if start < 0 {
                guard end >= 0, end <= bytes.count else { throw FunctionError("runtime error: slice bounds out of range [:\(end)] with length \(bytes.count)") }
                range = 0..<end
            } else if end < 0 || end > bytes.count {
                guard start <= bytes.count else { throw FunctionError("runtime error: slice bounds out of range [\(start):\(bytes.count)]") }
                range = start..<bytes.count
            } else {
                guard start <= end else { throw FunctionError("runtime error: slice bounds out of range [\(start):\(end)]") }
                range = start..<end
            }
            return .string(String(decoding: bytes[range], as: UTF8.self))
        }
        f["trunc"] = TemplateFunction([.int, .string]) { args in
            let c = Int(args[0].intValue)
            let bytes = Array(args[1].stringValue.utf8)
            if c < 0 && bytes.count + c > 0 { return .string(String(decoding: bytes[(bytes.count + c)...], as: UTF8.self)) }
            if c >= 0 && bytes.count > c { return .string(String(decoding: bytes[..<c], as: UTF8.self)) }
            return args[1]
        }
        f["abbrev"] = TemplateFunction([.int, .string]) { args in
            let width = Int(args[0].intValue)
            let s = args[1].stringValue
            guard width >= 4 else { return .string(s) }
            let bytes = Array(s.utf8)
            guard bytes.count > width else { return .string(s) }
            return .string(String(decoding: bytes[..<(width - 3)], as: UTF8.self) + "...")
        }
        f["indent"] = TemplateFunction([.int, .string]) { args in
            let pad = String(repeating: " ", count: max(0, Int(args[0].intValue)))
            return .string(pad + args[1].stringValue.replacing("\n", with: "\n" + pad))
        }
        f["nindent"] = TemplateFunction([.int, .string]) { args in
            let pad = String(repeating: " ", count: max(0, Int(args[0].intValue)))
            return .string("\n" + pad + args[1].stringValue.replacing("\n", with: "\n" + pad))
        }
        f["plural"] = TemplateFunction([.string, .string, .int]) { .string($0[2].intValue == 1 ? $0[0].stringValue : $0[1].stringValue) }
        f["quote"] = TemplateFunction([GoType](), variadic: .interface) { args in
            .string(args.filter { !$0.isNilInterface }.map { goQuote(strval($0)) }.joined(separator: " "))
        }
        f["squote"] = TemplateFunction([GoType](), variadic: .interface) { args in
            .string(args.filter { !$0.isNilInterface }.map { "'" + strval($0) + "'" }.joined(separator: " "))
        }
        f["cat"] = TemplateFunction([GoType](), variadic: .interface) { args in
            .string(args.filter { !$0.isNilInterface }.map(GoPrint.operand).joined(separator: " "))
        }
        f["toString"] = TemplateFunction([.interface]) { .string(strval($0[0])) }
        f["toStrings"] = TemplateFunction([.interface]) { .list(strslice($0[0]).map { .string($0) }, stringList) }
        f["join"] = TemplateFunction([.string, .interface]) { .string(strslice($0[1]).joined(separator: $0[0].stringValue)) }
        f["sortAlpha"] = TemplateFunction([.interface]) { args in
            switch args[0].indirect.value {
            case .list, .null(.slice): return .list(strslice(args[0]).sorted(by: goLess).map { .string($0) }, stringList)
            default: return .list([.string(strval(args[0]))], stringList)
            }
        }

        // Conversions and arithmetic (sprig converts with spf13/cast, which follows pointers).
        f["atoi"] = TemplateFunction([.string]) { .int(Int64(parseGoInt($0[0].stringValue, base10Only: true) ?? 0), .int) }
        f["int"] = TemplateFunction([.interface]) { .int(toInt64($0[0]), .int) }
        f["int64"] = TemplateFunction([.interface]) { .int(toInt64($0[0]), .int64) }
        f["float64"] = TemplateFunction([.interface]) { .float(toFloat64($0[0]), .float64) }
        f["add"] = TemplateFunction([GoType](), variadic: .interface) { .int($0.reduce(0) { $0 &+ toInt64($1) }, .int64) }
        f["add1"] = TemplateFunction([.interface]) { .int(toInt64($0[0]) &+ 1, .int64) }
        f["sub"] = TemplateFunction([.interface, .interface]) { .int(toInt64($0[0]) &- toInt64($0[1]), .int64) }
        f["mul"] = TemplateFunction([.interface], variadic: .interface) { .int($0.dropFirst().reduce(toInt64($0[0])) { $0 &* toInt64($1) }, .int64) }
        f["div"] = TemplateFunction([.interface, .interface]) { args in
            let b = toInt64(args[1])
            guard b != 0 else { throw FunctionError("runtime error: integer divide by zero") }
            return .int(toInt64(args[0]) / b, .int64)
        }
        f["mod"] = TemplateFunction([.interface, .interface]) { args in
            let b = toInt64(args[1])
            guard b != 0 else { throw FunctionError("runtime error: integer divide by zero") }
            return .int(toInt64(args[0]) % b, .int64)
        }
        f["max"] = TemplateFunction([.interface], variadic: .interface) { .int($0.map(toInt64).max()!, .int64) }
        f["biggest"] = f["max"]
        f["min"] = TemplateFunction([.interface], variadic: .interface) { .int($0.map(toInt64).min()!, .int64) }
        f["until"] = TemplateFunction([.int]) { args in
            let n = args[0].intValue
            return .list((n >= 0 ? Array(0..<n) : Array(stride(from: 0, to: n, by: -1))).map { .int(Int64($0), .int) }, .slice(.int))
        }

        // Defaults and logic.
        f["default"] = TemplateFunction([.interface], variadic: .interface) { args in
            if args.count < 2 || isEmpty(args[1]) { return args[0] }
            return args[1]
        }
        f["empty"] = TemplateFunction([.interface]) { .bool(isEmpty($0[0])) }
        f["coalesce"] = TemplateFunction([GoType](), variadic: .interface) { args in args.first { !isEmpty($0) } ?? .null(.interface) }
        f["all"] = TemplateFunction([GoType](), variadic: .interface) { .bool($0.allSatisfy { !isEmpty($0) }) }
        f["any"] = TemplateFunction([GoType](), variadic: .interface) { .bool($0.contains { !isEmpty($0) } || $0.isEmpty) }
        f["ternary"] = TemplateFunction([.interface, .interface, .bool]) { args in
            if case .bool(true) = args[2] { return args[0] }
            return args[1]
        }
        f["fail"] = TemplateFunction([.string]) { throw FunctionError($0[0].stringValue) }
        f["typeOf"] = TemplateFunction([.interface]) { .string($0[0].type?.description ?? "<nil>") }
        f["kindOf"] = TemplateFunction([.interface]) { .string($0[0].kindName) }

        // JSON.
        f["toJson"] = TemplateFunction([.interface]) { .string((try? JSONWriter().write($0[0])) ?? "") }
        f["mustToJson"] = TemplateFunction([.interface]) { args in
            do { return .string(try JSONWriter().write(args[0])) } catch { throw FunctionError("\(error)") }
        }
        f["toPrettyJson"] = TemplateFunction([.interface]) { .string((try? JSONWriter(indent: "  ").write($0[0])) ?? "") }
        f["toRawJson"] = TemplateFunction([.interface]) { .string((try? JSONWriter(escapeHTML: false).write($0[0])) ?? "") }
        f["fromJson"] = TemplateFunction([.string]) { args in
            guard let value = try? TemplateValue(json: args[0].stringValue) else { return .map([:]) }
            return value
        }

        // Lists and dicts.
        f["list"] = TemplateFunction([GoType](), variadic: .interface) { .list($0) }
        f["tuple"] = f["list"]
        f["dict"] = TemplateFunction([GoType](), variadic: .interface) { args in
            var entries: [String: TemplateValue] = [:]
            var i = 0
            while i < args.count {
                let key = strval(args[i])
                entries[key] = i + 1 < args.count ? args[i + 1] : .string("")
                i += 2
            }
            return .map(entries)
        }
        f["get"] = TemplateFunction([anyMap, .string]) { args in
            guard case .map(let map, _) = args[0] else { return .string("") }
            return map[args[1].stringValue] ?? .string("")
        }
        f["set"] = TemplateFunction([anyMap, .string, .interface]) { args in
            guard case .map(let map, _) = args[0] else { throw FunctionError("assignment to entry in nil map") }
            map.set(args[1].stringValue, args[2])
            return args[0]
        }
        f["unset"] = TemplateFunction([anyMap, .string]) { args in
            if case .map(let map, _) = args[0] { map.set(args[1].stringValue, nil) }
            return args[0]
        }
        f["hasKey"] = TemplateFunction([anyMap, .string]) { args in
            guard case .map(let map, _) = args[0] else { return .bool(false) }
            return .bool(map[args[1].stringValue] != nil)
        }
        f["keys"] = TemplateFunction([GoType](), variadic: anyMap) { args in
            // Go visits map keys in random order; sorted is one of the orders it may give.
            var keys: [String] = []
            for case .map(let map, _) in args { keys += map.sortedKeys }
            return .list(keys.map { .string($0) }, stringList)
        }
        f["first"] = TemplateFunction([.interface]) { try listItems($0[0], "first").first ?? .null(.interface) }
        f["last"] = TemplateFunction([.interface]) { try listItems($0[0], "last").last ?? .null(.interface) }
        f["rest"] = TemplateFunction([.interface]) { args in
            let items = try listItems(args[0], "rest")
            return items.isEmpty ? .null(.interface) : .list(Array(items.dropFirst()))
        }
        f["initial"] = TemplateFunction([.interface]) { args in
            let items = try listItems(args[0], "initial")
            return items.isEmpty ? .null(.interface) : .list(Array(items.dropLast()))
        }
        f["reverse"] = TemplateFunction([.interface]) { .list(Array(try listItems($0[0], "reverse").reversed())) }
        f["compact"] = TemplateFunction([.interface]) { .list(try listItems($0[0], "compact").filter { !isEmpty($0) }) }
        f["uniq"] = TemplateFunction([.interface]) { args in
            var out: [TemplateValue] = []
            for item in try listItems(args[0], "uniq") where !out.contains(where: { deepEqual($0, item) }) { out.append(item) }
            return .list(out)
        }
        f["has"] = TemplateFunction([.interface, .interface]) { args in
            if args[1].isNilInterface { return .bool(false) }
            return .bool(try listItems(args[1], "has").contains { deepEqual($0, args[0]) })
        }
        f["append"] = TemplateFunction([.interface, .interface]) { .list(try listItems($0[0], "append") + [$0[1]]) }
        f["push"] = f["append"]
        f["prepend"] = TemplateFunction([.interface, .interface]) { .list([$0[1]] + (try listItems($0[0], "prepend"))) }
        f["concat"] = TemplateFunction([GoType](), variadic: .interface) { args in
            .list(try args.flatMap { try listItems($0, "concat") })
        }
        f["slice"] = TemplateFunction([.interface], variadic: .interface) { args in
            let items = try listItems(args[0], "slice")
            let start = args.count > 1 ? Int(toInt64(args[1])) : 0
            let end = args.count > 2 ? Int(toInt64(args[2])) : items.count
            guard start >= 0, start <= end, end <= items.count else {
                throw FunctionError("runtime error: slice bounds out of range [\(start):\(end)]")
            }
            return .list(Array(items[start..<end]))
        }

        // Dates.
        f["now"] = TemplateFunction([GoType]()) { _ in .time(GoTime.now()) }
        f["date"] = TemplateFunction([.string, .interface]) { .string(dateInZone($0[0].stringValue, $0[1], "Local")) }
        f["htmlDate"] = TemplateFunction([.interface]) { .string(dateInZone("2006-01-02", $0[0], "Local")) }
        f["dateInZone"] = TemplateFunction([.string, .interface, .string]) { .string(dateInZone($0[0].stringValue, $0[1], $0[2].stringValue)) }
        f["date_in_zone"] = f["dateInZone"]
        f["htmlDateInZone"] = TemplateFunction([.interface, .string]) { .string(dateInZone("2006-01-02", $0[0], $0[1].stringValue)) }
        f["toDate"] = TemplateFunction([.string, .string]) { args in
            let zero = TemplateValue.zero(of: .time)
            guard let t = try? GoTime.parse(layout: args[0].stringValue, args[1].stringValue, local: true) else { return zero }
            return .time(t)
        }
        f["unixEpoch"] = TemplateFunction([.time]) { args in
            guard case .time(let t) = args[0] else { return .string("") }
            return .string(String(t.seconds))
        }
        return f
    }

    static func dateInZone(_ layout: String, _ date: TemplateValue, _ zone: String) -> String {
        var t: GoTime
        switch date {
        case .time(let value): t = value
        case .pointer(.time(let value)): t = value
        case .int(let seconds, _): t = GoTime(seconds: seconds, nanoseconds: 0, zone: .utc)
        default: t = GoTime.now()
        }
        return (t.in(zone: zone) ?? t.in(zone: "UTC")!).format(layout)
    }
}

// MARK: - Sprig's conversions

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
private func listItems(_ v: TemplateValue, _ name: String) throws -> [TemplateValue] {
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

// MARK: - Strings as Go treats them

func isGoSpace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0: true
    default: c.value > 0xFF && c.properties.isWhitespace
    }
}

/// Go's unicode.ToUpper: one scalar to one scalar ("ß" stays "ß").
func goUpper(_ c: Unicode.Scalar) -> Unicode.Scalar {
    let mapped = c.properties.uppercaseMapping.unicodeScalars
    return mapped.count == 1 ? mapped.first! : c
}

func goLower(_ c: Unicode.Scalar) -> Unicode.Scalar {
    let mapped = c.properties.lowercaseMapping.unicodeScalars
    return mapped.count == 1 ? mapped.first! : c
}

func isTitleSeparator(_ c: Unicode.Scalar) -> Bool {
    if c.value <= 0x7F {
        switch c {
        case "0"..."9", "a"..."z", "A"..."Z", "_": return false
        default: return true
        }
    }
    if c.properties.isAlphabetic || c.properties.numericType != nil { return false }
    return c.properties.isWhitespace
}

/// Go's strings.Title: the first letter of each word in title case.
func goTitle(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var previous: Unicode.Scalar = " "
    for c in s.unicodeScalars {
        if isTitleSeparator(previous) {
            let mapped = c.properties.titlecaseMapping.unicodeScalars
            out.append(mapped.count == 1 ? mapped.first! : c)
        } else {
            out.append(c)
        }
        previous = c
    }
    return String(out)
}

/// Go's strings.Split (and SplitN with `limit`): an empty separator splits into characters.
func goSplit(_ s: String, _ sep: String, limit: Int = -1) -> [String] {
    if limit == 0 { return [] }
    if sep.isEmpty {
        var parts = s.unicodeScalars.map { String($0) }
        if limit > 0 && parts.count > limit {
            let tail = parts[(limit - 1)...].joined()
            parts = Array(parts[..<(limit - 1)]) + [tail]
        }
        return parts
    }
    var parts: [String] = []
    var rest = Substring(s)
    while limit < 0 || parts.count < limit - 1, let range = rest.firstRange(of: sep) {
        parts.append(String(rest[..<range.lowerBound]))
        rest = rest[range.upperBound...]
    }
    parts.append(String(rest))
    return parts
}

extension String {
    /// Go's strings.TrimFunc.
    func trimmingGo(where predicate: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !predicate($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !predicate($0) })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

/// Go's os.Expand over `environment`: $VAR and ${VAR}.
func expand(_ s: String, _ environment: Sprig.Environment) -> String {
    let b = Array(s.utf8)
    var out: [UInt8] = []
    var i = 0
    func isNameByte(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
    while i < b.count {
        guard b[i] == UInt8(ascii: "$"), i + 1 < b.count else { out.append(b[i]); i += 1; continue }
        var name: [UInt8] = []
        var width = 0
        if b[i + 1] == UInt8(ascii: "{") {
            if let close = b[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                name = Array(b[(i + 2)..<close])
                width = close - i + 1
                if name.isEmpty { i += width; continue }  // "${}" is dropped
            } else {
                i += 2  // bad syntax: "${" eaten
                continue
            }
        } else if "*#$@!?-".utf8.contains(b[i + 1]) || (0x30...0x39).contains(b[i + 1]) {
            name = [b[i + 1]]
            width = 2
        } else {
            var j = i + 1
            while j < b.count, isNameByte(b[j]) { j += 1 }
            name = Array(b[(i + 1)..<j])
            width = j - i
            if name.isEmpty { out.append(b[i]); i += 1; continue }
        }
        out += Array((environment(String(decoding: name, as: UTF8.self)) ?? "").utf8)
        i += width
    }
    return String(decoding: out, as: UTF8.self)
}

// MARK: - Base64 (standard alphabet, padded)

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

func base64Encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let n = min(3, bytes.count - i)
        let chunk = (UInt32(bytes[i]) << 16) | (n > 1 ? UInt32(bytes[i + 1]) << 8 : 0) | (n > 2 ? UInt32(bytes[i + 2]) : 0)
        for k in 0..<4 {
            out.append(k <= n ? base64Alphabet[Int((chunk >> (18 - 6 * UInt32(k))) & 63)] : UInt8(ascii: "="))
        }
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}

/// Go's base64.StdEncoding.DecodeString, with its "illegal base64 data at input byte N" error.
func base64Decode(_ s: String) -> Result<[UInt8], FunctionError> {
    let input = Array(s.utf8).filter { $0 != 0x0A && $0 != 0x0D }
    var out: [UInt8] = []
    var i = 0
    while i < input.count {
        var values: [UInt32] = []
        var padding = 0
        for k in 0..<4 {
            guard i + k < input.count else { return .failure(FunctionError("illegal base64 data at input byte \(i + k == input.count && k == 0 ? i : input.count)")) }
            let c = input[i + k]
            if c == UInt8(ascii: "=") {
                guard k >= 2 else { return .failure(FunctionError("illegal base64 data at input byte \(i + k)")) }
                padding = 4 - k
                if k == 2 { guard i + 3 < input.count, input[i + 3] == UInt8(ascii: "=") else { return .failure(FunctionError("illegal base64 data at input byte \(min(i + 3, input.count))")) } }
                guard i + 4 == input.count else { return .failure(FunctionError("illegal base64 data at input byte \(i + 4)")) }
                break
            }
            guard let v = base64Alphabet.firstIndex(of: c) else { return .failure(FunctionError("illegal base64 data at input byte \(i + k)")) }
            values.append(UInt32(v))
        }
        while values.count < 4 { values.append(0) }
        let chunk = values.reduce(0) { $0 << 6 | $1 }
        let produced = 3 - padding
        for k in 0..<produced { out.append(UInt8((chunk >> (16 - 8 * UInt32(k))) & 0xFF)) }
        i += 4
    }
    return .success(out)
}
