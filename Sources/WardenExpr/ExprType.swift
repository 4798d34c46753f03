/// The static type of an expression, modelled on the Go types expr's checker
/// reasons about, so its rules (and its messages, which print Go type names such
/// as `*models.Alert` or `[]interface {}`) carry over unchanged.
public indirect enum ExprType: Equatable, Sendable, CustomStringConvertible {
    /// Go's `interface {}`: anything, checked only when the expression runs.
    case interface
    /// The type of the literal `nil` (Go's nil `reflect.Type`, printed `<nil>`).
    case null
    case bool
    case int(IntKind)
    case float(FloatKind)
    case string
    /// A slice `[]T`; `name` is set for a named slice type such as `models.Meta`.
    case slice(ExprType, name: String? = nil)
    /// `map[string]T`.
    case map(ExprType)
    /// A pointer `*T`: host objects are reached through one, and Go models keep optional
    /// scalars behind one (`*string`), which expr compares and prints as pointers.
    case pointer(ExprType)
    /// A host struct (reached as `.pointer(.object(t))`).
    case object(HostType)
    case function(Signature)

    public static let intType = ExprType.int(.int)
    public static let float64 = ExprType.float(.float64)
    public static let arrayOfAny = ExprType.slice(.interface)
    public static let mapOfAny = ExprType.map(.interface)

    /// The Go spelling, as `%v` of a `reflect.Type` prints it.
    public var description: String {
        switch self {
        case .interface: return "interface {}"
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int(let kind): return kind.rawValue
        case .float(let kind): return kind.rawValue
        case .string: return "string"
        case .slice(let element, let name): return name ?? "[]\(element)"
        case .map(let value): return "map[string]\(value)"
        case .pointer(let target): return "*\(target)"
        case .object(let type): return type.name
        case .function(let signature): return signature.description
        }
    }

    /// The type with every pointer removed, as expr's checker looks through them.
    var dereferenced: ExprType {
        if case .pointer(let target) = self { return target.dereferenced }
        return self
    }

    var isInterface: Bool { dereferenced == .interface }
    var isInteger: Bool {
        switch dereferenced {
        case .interface: return true
        case .int: return true
        default: return false
        }
    }
    var isFloat: Bool {
        switch dereferenced {
        case .interface, .float: return true
        default: return false
        }
    }
    var isNumber: Bool { isInteger || isFloat }
    var isBool: Bool { dereferenced == .bool || dereferenced == .interface }
    var isString: Bool { dereferenced == .string || dereferenced == .interface }
    var isArray: Bool {
        switch dereferenced {
        case .interface, .slice: return true
        default: return false
        }
    }
    var isMap: Bool {
        switch dereferenced {
        case .interface, .map: return true
        default: return false
        }
    }
    var isStruct: Bool {
        if case .object = dereferenced { return true }
        return false
    }

    /// Go's reflect.Kind name, for expr's kind-level rules (`l.Kind() == r.Kind()`).
    var kindName: String {
        switch self {
        case .interface: return "interface"
        case .null: return "invalid"
        case .bool: return "bool"
        case .int(let kind): return kind.kindName
        case .float(let kind): return kind.rawValue
        case .string: return "string"
        case .slice: return "slice"
        case .map: return "map"
        case .pointer: return "ptr"
        case .object: return "struct"
        case .function: return "func"
        }
    }

    /// Go's assignability, as far as expr's argument checks need it.
    func isAssignable(to target: ExprType) -> Bool {
        if self == target || target == .interface { return true }
        if self == .null {
            switch target {
            case .pointer, .slice, .map, .function, .interface: return true
            default: return false
            }
        }
        return false
    }

    /// The element type of what can be indexed (slices, maps, `interface {}`).
    var elementType: ExprType? {
        switch dereferenced {
        case .interface: return .interface
        case .slice(let element, _): return element
        case .map(let value): return value
        default: return nil
        }
    }

    /// The type a numeric operation on `a` and `b` yields: the heavier one, by expr's ranking.
    static func combined(_ a: ExprType, _ b: ExprType) -> ExprType {
        a.weight > b.weight ? a : b
    }

    private var weight: Int {
        switch self {
        case .int(let kind): return kind.weight
        case .float(.float32): return 11
        case .float(.float64): return 12
        default: return 0
        }
    }
}

/// Go's integer types that reach expressions.
public enum IntKind: String, Sendable {
    case int
    case int32
    case int64
    /// A string's byte, as indexing a string yields.
    case uint8
    /// `time.Duration`: an int64 that expr's arithmetic does not accept, with methods.
    case duration = "time.Duration"

    var weight: Int {
        switch self {
        case .uint8: return 2
        case .int: return 6
        case .int32: return 9
        case .int64, .duration: return 10
        }
    }

    var kindName: String { self == .duration ? "int64" : rawValue }
}

/// Go's float types that reach expressions (`float32` from CrowdSec's coordinates).
public enum FloatKind: String, Sendable {
    case float32
    case float64
}

/// The signature of a function or method: expr checks arguments against it at compile time.
public struct Signature: Equatable, Sendable, CustomStringConvertible {
    public var parameters: [ExprType]
    /// The last parameter is `...T` (given in `parameters` as `T`).
    public var isVariadic: Bool
    public var result: ExprType

    public init(_ parameters: [ExprType], variadic: Bool = false, returns result: ExprType) {
        self.parameters = parameters
        self.isVariadic = variadic
        self.result = result
    }

    public var description: String {
        var names = parameters.map(\.description)
        if isVariadic, let last = names.popLast() { names.append("..." + last) }
        return "func(\(names.joined(separator: ", "))) \(result)"
    }
}

/// A struct type the host exposes (CrowdSec's `models.Alert`, `models.Source`...):
/// its Go name for messages, its fields and its methods, in declaration order.
public final class HostType: Equatable, Sendable, CustomStringConvertible {
    public let name: String
    public let fields: [(name: String, type: ExprType)]
    public let methods: [(name: String, signature: Signature)]

    /// - Parameters:
    ///   - name: the Go name, package-qualified (`models.Alert`), used in messages.
    ///   - fields: each field's name and type; names are case-sensitive, as in Go.
    ///   - methods: each method callable on a pointer to this type.
    public init(name: String, fields: [(String, ExprType)], methods: [(String, Signature)]) {
        self.name = name
        self.fields = fields.map { (name: $0.0, type: $0.1) }
        self.methods = methods.map { (name: $0.0, signature: $0.1) }
    }

    public var description: String { name }

    func field(_ name: String) -> ExprType? { fields.first { $0.name == name }?.type }
    func method(_ name: String) -> Signature? { methods.first { $0.name == name }?.signature }

    public static func == (a: HostType, b: HostType) -> Bool { a === b }
}
