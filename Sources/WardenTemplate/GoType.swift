/// A Go type, as far as templates can tell types apart: it names values in
/// error messages ("can't evaluate field Foo in type *models.Alert"), decides
/// how JSON decodes into a value, and how `toJson` encodes it back.
public indirect enum GoType: Sendable, Equatable, CustomStringConvertible {
    case bool
    case int
    case int32
    case int64
    case float32
    case float64
    case string
    /// `interface {}`: any value; JSON decodes into maps, lists, float64, string, bool or nil.
    case interface
    case pointer(GoType)
    case slice(GoType)
    /// `map[string]T`, the only map shape templates need.
    case map(GoType)
    case structure(GoStruct)
    /// A defined type over another one, such as CrowdSec's `models.Meta` (`[]*models.MetaItems0`).
    case named(String, GoType)
    /// `time.Time`, as sprig's `now` and `toDate` return it.
    case time

    public var description: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .int32: "int32"
        case .int64: "int64"
        case .float32: "float32"
        case .float64: "float64"
        case .string: "string"
        case .interface: "interface {}"
        case .pointer(let t): "*\(t)"
        case .slice(let t): "[]\(t)"
        case .map(let t): "map[string]\(t)"
        case .structure(let s): s.name
        case .named(let name, _): name
        case .time: "time.Time"
        }
    }

    /// The type this one is defined over, for a named type; itself otherwise.
    var underlying: GoType {
        if case .named(_, let t) = self { return t.underlying }
        return self
    }
}

/// A Go struct type: its name as Go prints it and its fields in declaration order
/// (the order `toJson` writes them in), plus the methods a template may call.
public final class GoStruct: Sendable, Equatable {
    public let name: String
    public let fields: [GoField]
    public let methods: [String: GoMethod]

    public init(name: String, fields: [GoField], methods: [String: GoMethod] = [:]) {
        self.name = name
        self.fields = fields
        self.methods = methods
    }

    public static func == (a: GoStruct, b: GoStruct) -> Bool { a === b || a.name == b.name }

    func fieldIndex(goName: String) -> Int? { fields.firstIndex { $0.goName == goName } }
}

/// One field of a Go struct: `.GoName` in templates, its json tag in `toJson`.
public struct GoField: Sendable {
    public let goName: String
    public let jsonName: String
    /// The tag's `omitempty`: `toJson` leaves the field out when it holds its zero value.
    public let omitEmpty: Bool
    public let type: GoType

    public init(_ goName: String, json jsonName: String, omitEmpty: Bool = false, _ type: GoType) {
        self.goName = goName
        self.jsonName = jsonName
        self.omitEmpty = omitEmpty
        self.type = type
    }
}

/// A method a template can call on a struct value (`{{.GetMeta "key"}}`): its
/// parameter types (checked as Go checks them) and what it returns.
public struct GoMethod: Sendable {
    public let parameters: [GoType]
    public let body: @Sendable (GoObject, [TemplateValue]) throws -> TemplateValue

    public init(parameters: [GoType] = [], _ body: @escaping @Sendable (GoObject, [TemplateValue]) throws -> TemplateValue) {
        self.parameters = parameters
        self.body = body
    }
}
