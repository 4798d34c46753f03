import Synchronization

/// The data a template renders: a Go value as `text/template` sees it through
/// reflection. Field access uses the Go names of ``GoStruct`` fields, `toJson`
/// their json tags; pointers stay pointers, because Go prints them dereferenced
/// but counts a pointer to "" as true and refuses to compare it with a string.
///
/// Build one from JSON with ``init(json:as:)`` (Go's `encoding/json` rules), or
/// from Swift values: `.string("x")`, `.list([...])`, `.object(GoObject(...))`.
public indirect enum TemplateValue: Sendable {
    /// Go's invalid value: what a missing map key gives; prints `<no value>`.
    case noValue
    /// A nil pointer, slice, map or interface of the given type; prints `<nil>`.
    case null(GoType)
    case bool(Bool)
    /// An integer of type `.int`, `.int32` or `.int64`.
    case int(Int64, GoType)
    /// A float of type `.float32` or `.float64`.
    case float(Double, GoType)
    case string(String)
    /// A non-nil pointer to a value.
    case pointer(TemplateValue)
    /// A slice; its type is a `.slice` or a `.named` slice.
    case list([TemplateValue], GoType)
    /// A `map[string]T`; its type is a `.map` or a `.named` map. Shared like a Go
    /// map: sprig's `set` changes it for every holder.
    case map(GoMap, GoType)
    case object(GoObject)
    case time(GoTime)

    /// A `[]interface {}`, as sprig's `list` makes.
    public static func list(_ items: [TemplateValue]) -> TemplateValue { .list(items, .slice(.interface)) }
    /// A `map[string]interface {}`, as sprig's `dict` makes.
    public static func map(_ entries: [String: TemplateValue]) -> TemplateValue { .map(GoMap(entries), .map(.interface)) }
    /// A Go `int`.
    public static func int(_ value: Int) -> TemplateValue { .int(Int64(value), .int) }

    /// The value's Go type, as error messages name it.
    public var type: GoType? {
        switch self {
        case .noValue: nil
        case .null(let t): t
        case .bool: .bool
        case .int(_, let t), .float(_, let t), .list(_, let t), .map(_, let t): t
        case .string: .string
        case .pointer(let v): v.type.map { .pointer($0) } ?? .pointer(.interface)
        case .object(let o): .structure(o.type)
        case .time: .time
        }
    }
}

/// A struct value: its type and one value per field, in the type's field order.
public struct GoObject: Sendable {
    public let type: GoStruct
    public var values: [TemplateValue]

    /// A struct value; fields missing from `values` hold their zero value.
    public init(_ type: GoStruct, _ values: [String: TemplateValue] = [:]) {
        self.type = type
        self.values = type.fields.map { values[$0.goName] ?? TemplateValue.zero(of: $0.type) }
    }

    /// The field with this Go name, if the struct has one.
    public subscript(goName: String) -> TemplateValue? {
        type.fieldIndex(goName: goName).map { values[$0] }
    }
}

extension TemplateValue {
    /// Go's zero value of a type.
    public static func zero(of type: GoType) -> TemplateValue {
        switch type.underlying {
        case .bool: .bool(false)
        case .int, .int32, .int64: .int(0, type)
        case .float32, .float64: .float(0, type)
        case .string: .string("")
        case .structure(let s): .object(GoObject(s))
        case .time: .time(GoTime(seconds: -62_135_596_800, nanoseconds: 0, zone: .utc))
        default: .null(type)
        }
    }

    /// The pointed-to value through any number of non-nil pointers, and whether a nil stopped it (Go's `indirect`).
    var indirect: (value: TemplateValue, isNil: Bool) {
        var v = self
        while true {
            switch v {
            case .pointer(let inner): v = inner
            case .null(let t):
                switch t.underlying {
                case .pointer, .interface: return (v, true)
                default: return (v, false)
                }
            default: return (v, false)
            }
        }
    }
}

/// The storage of a Go map: a reference, as Go maps are, so that sprig's `set`
/// and `unset` change what every variable holding the map sees.
public final class GoMap: Sendable {
    private let storage: Mutex<[String: TemplateValue]>

    public init(_ entries: [String: TemplateValue] = [:]) {
        storage = Mutex(entries)
    }

    /// A snapshot of the entries.
    public var entries: [String: TemplateValue] { storage.withLock { $0 } }

    public subscript(key: String) -> TemplateValue? { storage.withLock { $0[key] } }

    func set(_ key: String, _ value: TemplateValue?) { storage.withLock { $0[key] = value } }

    /// Keys in Go's sorted order (how `range`, printing and JSON visit a map).
    var sortedKeys: [String] { entries.keys.sorted(by: goLess) }
}
