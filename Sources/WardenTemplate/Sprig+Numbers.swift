/// sprig's conversions and integer arithmetic: arguments go through spf13/cast,
/// which follows pointers and parses strings; results are int64.
extension Sprig {
    static func numberFunctions() -> [String: TemplateFunction] {
        var f: [String: TemplateFunction] = [:]
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

        return f
    }
}
