/// A value an expression computes or reads from its environment, carrying the Go
/// type expr would give it (an `int32` stays an `int32`), since results, `%T`
/// and runtime errors depend on it.
public enum Value: Sendable {
    /// Go's untyped nil.
    case null
    case bool(Bool)
    /// An integer, kept in its kind's range (arithmetic wraps as Go's does).
    case int(Int64, IntKind)
    /// A float; a `float32` is kept rounded to single precision.
    case float(Double, FloatKind)
    case string(String)
    /// A slice with its slice type (`[]int`, `[]interface {}`, `models.Meta`...).
    case array([Value], ExprType)
    /// `map[string]T` with its value type.
    case map([String: Value], ExprType)
    /// A pointer to a scalar (`*string`), nil when `target` is nil.
    indirect case pointer(Value?, ExprType)
    /// A pointer to a host struct; nil when the object is absent.
    case object((any HostObject)?, HostType)
    /// A function value (an environment function named without calling it).
    case function(Function)

    /// A `[]T` of `elements`.
    public static func array(_ elements: [Value], of element: ExprType) -> Value { .array(elements, .slice(element)) }
    /// An `int`.
    public static func int(_ value: Int) -> Value { .int(Int64(value), .int) }
    /// A `float64`.
    public static func float(_ value: Double) -> Value { .float(value, .float64) }
    /// A `*string` to `value`, or a nil one.
    public static func stringPointer(_ value: String?) -> Value { .pointer(value.map(Value.string), .string) }

    /// The Go type of the value, as `%T` prints it.
    public var type: ExprType {
        switch self {
        case .null: return .null
        case .bool: return .bool
        case .int(_, let kind): return .int(kind)
        case .float(_, let kind): return .float(kind)
        case .string: return .string
        case .array(_, let type): return type
        case .map(_, let value): return .map(value)
        case .pointer(_, let target): return .pointer(target)
        case .object(_, let type): return .pointer(.object(type))
        case .function(let function): return .function(function.signature)
        }
    }

    /// The name `%T` prints: the named type when there is one (`models.Meta`).
    var goTypeName: String { type.description }

    /// True for Go's nil and for nil pointers, slices and maps (expr's `isNil`).
    var isNil: Bool {
        switch self {
        case .null: return true
        case .pointer(let target, _): return target == nil
        case .object(let object, _): return object == nil
        default: return false
        }
    }
}

/// A function the environment provides: its signature, checked at compile time,
/// and its body.
public struct Function: Sendable {
    public var signature: Signature
    public var body: @Sendable ([Value]) throws(FunctionError) -> Value

    public init(_ signature: Signature, _ body: @escaping @Sendable ([Value]) throws(FunctionError) -> Value) {
        self.signature = signature
        self.body = body
    }
}

/// A failure inside a host function or method; the evaluator adds the position.
public struct FunctionError: Error, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// A host struct the expression can read: fields by name, methods by name.
///
/// Implementation requirements: answer exactly the fields and methods that
/// `hostType` declares, with values of the declared types (`field` is never asked
/// for anything else: the checker rejects unknown names at compile time).
public protocol HostObject: Sendable {
    var hostType: HostType { get }
    /// The value of a declared field.
    func field(_ name: String) -> Value
    /// Calls a declared method with arguments already checked against its signature.
    func call(_ method: String, _ arguments: [Value]) throws(FunctionError) -> Value
}
