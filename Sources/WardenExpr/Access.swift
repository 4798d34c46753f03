/// Reading into values at run time, as expr's `fetch`, `slice`, `in`, `len` and
/// calls do, with the messages its Go panics produce.
enum Access {
    static func fetch(_ from: Value, _ key: Value) throws(FunctionError) -> Value {
        switch from {
        case .array(let items, _):
            let i = try Arithmetic.toInt(key)
            guard i >= 0, i < items.count else { throw FunctionError("reflect: slice index out of range") }
            return items[Int(i)]
        case .string:
            let i = try Arithmetic.toInt(key)
            guard case .string(let s) = from, i >= 0, i < s.utf8.count else {
                throw FunctionError("reflect: string index out of range")
            }
            return .int(Int64(Array(s.utf8)[Int(i)]), .uint8)
        case .map(let map, let valueType):
            guard case .string(let k) = key else {
                throw FunctionError(mapIndexMismatch(key, "string"))
            }
            return map[k] ?? zero(valueType)
        case .object(let object?, let type):
            guard case .string(let name) = key, type.field(name) != nil else { break }
            return object.field(name)
        default: break
        }
        throw FunctionError("cannot fetch \(GoFormat.plain(key)) from \(from.goTypeName)")
    }

    /// The message of reflect's MapIndex with a key of the wrong type.
    static func mapIndexMismatch(_ key: Value, _ keyType: String) -> String {
        if case .null = key { return "cannot use <nil> as index to map[\(keyType)]struct {}" }
        return "reflect.Value.MapIndex: value of type \(key.goTypeName) is not assignable to type \(keyType)"
    }

    /// Go's zero value of a type (what a missing map key reads as).
    static func zero(_ type: ExprType) -> Value {
        switch type {
        case .bool: return .bool(false)
        case .int(let kind): return .int(0, kind)
        case .float(let kind): return .float(0, kind)
        case .string: return .string("")
        case .pointer(let target): return .pointer(nil, target)
        default: return .null
        }
    }

    static func slice(_ base: Value, from: Value?, to: Value?) throws(FunctionError) -> Value {
        let length: Int64
        switch base {
        case .array(let items, _): length = Int64(items.count)
        case .string(let s): length = Int64(s.utf8.count)
        default: throw FunctionError("cannot slice \(from.map(GoFormat.plain) ?? "0")")
        }
        var a = try from.map(Arithmetic.toInt) ?? 0
        var b = try to.map(Arithmetic.toInt) ?? length
        if b > length { b = length }
        if a > b { a = b }
        guard a >= 0, b >= 0 else { throw FunctionError("reflect.Value.Slice: slice index out of bounds") }
        switch base {
        case .array(let items, let type): return .array(Array(items[Int(a)..<Int(b)]), type)
        case .string(let s):
            let bytes = Array(s.utf8)[Int(a)..<Int(b)]
            return .string(String(decoding: bytes, as: UTF8.self))
        default: throw FunctionError("cannot slice \(from.map(GoFormat.plain) ?? "0")")
        }
    }

    /// `needle in haystack` on arrays, maps, and structs (field names).
    static func contains(_ haystack: Value, _ needle: Value) throws(FunctionError) -> Bool {
        switch haystack {
        case .null: return false
        case .array(let items, _): return items.contains { Arithmetic.equal($0, needle) }
        case .map(let map, _):
            if case .null = needle { throw FunctionError("cannot use <nil> as index to \(haystack.goTypeName)") }
            guard case .string(let key) = needle else { throw FunctionError(mapIndexMismatch(needle, "string")) }
            return map[key] != nil
        case .object(let object, let type):
            guard object != nil else { return false }
            guard case .string(let name) = needle else {
                throw FunctionError("cannot use \(needle.goTypeName) as field name of \(type.name)")
            }
            return type.field(name) != nil
        default:
            throw FunctionError("operator \"in\"\" not defined on \(haystack.goTypeName)")
        }
    }

    static func length(_ value: Value) throws(FunctionError) -> Value {
        switch value {
        case .array(let items, _): return .int(items.count)
        case .map(let map, _): return .int(map.count)
        case .string(let s): return .int(s.utf8.count)
        default: throw FunctionError("invalid argument for len (type \(value.goTypeName))")
        }
    }

    static func callMethod(_ receiver: Value, _ name: String, _ arguments: [Value]) throws(FunctionError) -> Value {
        switch receiver {
        case .object(let object, let type):
            if let signature = type.method(name) {
                try checkArguments(arguments, signature)
                guard let object else {
                    throw FunctionError("runtime error: invalid memory address or nil pointer dereference")
                }
                return try object.call(name, arguments)
            }
        case .int(let nanoseconds, .duration):
            if let signature = Duration.methods[name] {
                try checkArguments(arguments, signature)
                return Duration.call(name, nanoseconds)
            }
        default: break
        }
        throw FunctionError("cannot get \"\(name)\" from \(receiver.goTypeName)")
    }

    static func call(_ function: Function, _ arguments: [Value]) throws(FunctionError) -> Value {
        try checkArguments(arguments, function.signature)
        return try function.body(arguments)
    }

    /// reflect.Call's own check: each argument's dynamic type must be assignable to its parameter.
    private static func checkArguments(_ arguments: [Value], _ signature: Signature) throws(FunctionError) {
        for (i, argument) in arguments.enumerated() {
            let parameter = signature.parameters[min(i, signature.parameters.count - 1)]
            if parameter == .interface { continue }
            let type: ExprType = argument.type == .null ? .interface : argument.type
            if type != parameter && !(argument.isNil && type.isAssignable(to: parameter) && type != .interface) {
                throw FunctionError("reflect: Call using \(type) as type \(parameter)")
            }
        }
    }
}

/// Go's `time.Duration` as CrowdSec's GetActiveDecisionsTimeLeft returns it: an int64
/// of nanoseconds with `Hours()`, `Minutes()`, `Seconds()` and `String()`.
public enum Duration {
    static let methods: [String: Signature] = [
        "Hours": Signature([], returns: .float64), "Minutes": Signature([], returns: .float64),
        "Seconds": Signature([], returns: .float64), "String": Signature([], returns: .string),
    ]

    /// A `time.Duration` value of `seconds`.
    public static func value(seconds: Int64) -> Value { .int(seconds &* 1_000_000_000, .duration) }

    static func call(_ name: String, _ nanoseconds: Int64) -> Value {
        let (whole, fraction) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        let seconds = Double(whole) + Double(fraction) / 1e9
        switch name {
        case "Hours":
            return .float(Double(nanoseconds / 3_600_000_000_000) + Double(nanoseconds % 3_600_000_000_000) / 3.6e12)
        case "Minutes":
            return .float(Double(nanoseconds / 60_000_000_000) + Double(nanoseconds % 60_000_000_000) / 6e10)
        case "Seconds": return .float(seconds)
        default: return .string(GoDuration.string(nanoseconds))
        }
    }
}
