#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// expr's run-time operators on numbers: mixed kinds convert to the heavier kind
/// (int < int32 < int64 < float32 < float64), integer results wrap at their width,
/// and anything else fails with `invalid operation: int + string`.
enum Arithmetic {
    enum Number {
        case int(Int64, IntKind)
        case float(Double, FloatKind)
    }

    static func number(_ value: Value) -> Number? {
        switch value {
        case .int(let v, let kind) where kind != .duration: return .int(v, kind)
        case .float(let v, let kind): return .float(v, kind)
        default: return nil
        }
    }

    /// Both operands converted to their common kind.
    static func common(_ a: Number, _ b: Number) -> (Number, Number) {
        switch (a, b) {
        case (.int(let x, let k1), .int(let y, let k2)):
            let k = k1.weight >= k2.weight ? k1 : k2
            return (.int(wrap(x, k), k), .int(wrap(y, k), k))
        case (.int(let x, _), .float(let y, let k)): return (.float(round(Double(x), k), k), .float(y, k))
        case (.float(let x, let k), .int(let y, _)): return (.float(x, k), .float(round(Double(y), k), k))
        case (.float(let x, let k1), .float(let y, let k2)):
            let k: FloatKind = k1 == .float64 || k2 == .float64 ? .float64 : .float32
            return (.float(x, k), .float(y, k))
        }
    }

    static func wrap(_ v: Int64, _ kind: IntKind) -> Int64 {
        switch kind {
        case .int32: return Int64(Int32(truncatingIfNeeded: v))
        case .uint8: return Int64(UInt8(truncatingIfNeeded: v))
        default: return v
        }
    }

    static func round(_ v: Double, _ kind: FloatKind) -> Double {
        kind == .float32 ? Double(Float(v)) : v
    }

    static func mismatch(_ a: Value, _ op: String, _ b: Value) -> FunctionError {
        FunctionError("invalid operation: \(a.goTypeName) \(op) \(b.goTypeName)")
    }

    static func binary(_ op: String, _ a: Value, _ b: Value) throws(FunctionError) -> Value {
        if op == "+", case .string(let x) = a, case .string(let y) = b { return .string(x + y) }
        guard let na = number(a), let nb = number(b) else { throw mismatch(a, op, b) }
        switch common(na, nb) {
        case (.int(let x, let k), .int(let y, _)):
            let result: Int64
            switch op {
            case "+": result = x &+ y
            case "-": result = x &- y
            case "*": result = x &* y
            case "/", "%":
                if y == 0 { throw FunctionError("runtime error: integer divide by zero") }
                if y == -1 {
                    result = op == "/" ? 0 &- x : 0
                } else {
                    result = op == "/" ? x / y : x % y
                }
            default: throw mismatch(a, op, b)
            }
            return .int(wrap(result, k), k)
        case (.float(let x, let k), .float(let y, _)):
            switch op {
            case "+": return .float(round(x + y, k), k)
            case "-": return .float(round(x - y, k), k)
            case "*": return .float(round(x * y, k), k)
            case "/": return .float(round(x / y, k), k)
            default: throw mismatch(a, op, b)
            }
        default:
            throw mismatch(a, op, b)
        }
    }

    /// `<`, `>`, `<=`, `>=` on numbers or strings.
    static func compare(_ op: String, _ a: Value, _ b: Value) throws(FunctionError) -> Bool {
        if case .string(let x) = a, case .string(let y) = b {
            // Go compares strings bytewise.
            let (u, v) = (Array(x.utf8), Array(y.utf8))
            switch op {
            case "<": return u.lexicographicallyPrecedes(v)
            case ">": return v.lexicographicallyPrecedes(u)
            case "<=": return !v.lexicographicallyPrecedes(u)
            default: return !u.lexicographicallyPrecedes(v)
            }
        }
        guard let na = number(a), let nb = number(b) else { throw mismatch(a, op, b) }
        switch common(na, nb) {
        case (.int(let x, _), .int(let y, _)):
            switch op {
            case "<": return x < y
            case ">": return x > y
            case "<=": return x <= y
            default: return x >= y
            }
        case (.float(let x, _), .float(let y, _)):
            switch op {
            case "<": return x < y
            case ">": return x > y
            case "<=": return x <= y
            default: return x >= y
            }
        default: throw mismatch(a, op, b)
        }
    }

    /// `**`: always a float64, as expr converts both sides.
    static func power(_ a: Value, _ b: Value) throws(FunctionError) -> Value {
        .float(GoMath.pow(try toFloat64(a), try toFloat64(b)))
    }

    static func toFloat64(_ v: Value) throws(FunctionError) -> Double {
        switch v {
        case .int(let x, _): return Double(x)
        case .float(let x, _): return x
        default: throw FunctionError("invalid operation: float64(\(v.goTypeName))")
        }
    }

    static func toInt(_ v: Value) throws(FunctionError) -> Int64 {
        switch v {
        case .int(let x, _): return x
        case .float(let x, _): return GoMath.truncate(x)
        default: throw FunctionError("invalid operation: int(\(v.goTypeName))")
        }
    }

    static func negate(_ v: Value) throws(FunctionError) -> Value {
        switch v {
        case .int(let x, let k): return .int(wrap(0 &- x, k), k)
        case .float(let x, let k): return .float(-x, k)
        default: throw FunctionError("invalid operation: - \(v.goTypeName)")
        }
    }

    /// expr's `equal`: numbers across kinds, strings, nil against nil, otherwise Go's DeepEqual.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        if let na = number(a), let nb = number(b) {
            switch common(na, nb) {
            case (.int(let x, _), .int(let y, _)): return x == y
            case (.float(let x, _), .float(let y, _)): return x == y
            default: return false
            }
        }
        if case .string(let x) = a, case .string(let y) = b { return x == y }
        if a.isNil && b.isNil { return true }
        return deepEqual(a, b)
    }

    /// Go's reflect.DeepEqual: same type, and equal contents.
    static func deepEqual(_ a: Value, _ b: Value) -> Bool {
        guard a.type == b.type else { return false }
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x, _), .int(let y, _)): return x == y
        case (.float(let x, _), .float(let y, _)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x, _), .array(let y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { deepEqual($0, $1) }
        case (.map(let x, _), .map(let y, _)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { deepEqual(value, $0) } ?? false }
        case (.pointer(let x, _), .pointer(let y, _)):
            switch (x, y) {
            case (nil, nil): return true
            case (let x?, let y?): return deepEqual(x, y)
            default: return false
            }
        case (.object(let x, _), .object(let y, _)):
            return x == nil && y == nil
        default: return false
        }
    }
}

/// The few math routines whose Go results must be reproduced.
enum GoMath {
    static func pow(_ x: Double, _ y: Double) -> Double {
        #if canImport(Glibc)
            Glibc.pow(x, y)
        #else
            Darwin.pow(x, y)
        #endif
    }

    /// Go's float-to-int conversion (truncation; out-of-range values give MinInt64 on amd64).
    static func truncate(_ x: Double) -> Int64 {
        guard x.isFinite, x >= -9.223372036854775808e18, x < 9.223372036854775808e18 else { return Int64.min }
        return Int64(x.rounded(.towardZero))
    }
}
