/// sprig's string functions: case, trimming, splitting, quoting, padding, base64, env.
extension Sprig {
    static func stringFunctions(environment: @escaping Environment) -> [String: TemplateFunction] {
        var f: [String: TemplateFunction] = [:]
        func string1(_ name: String, _ body: @escaping @Sendable (String) -> String) {
            f[name] = TemplateFunction([.string]) { .string(body($0[0].stringValue)) }
        }
        func string2(_ name: String, _ body: @escaping @Sendable (String, String) -> TemplateValue) {
            f[name] = TemplateFunction([.string, .string]) { body($0[0].stringValue, $0[1].stringValue) }
        }
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

        return f
    }
}
