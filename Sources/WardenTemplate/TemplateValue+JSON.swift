/// Why JSON could not become a value of the Go type asked for.
public struct JSONDecodeError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension TemplateValue {
    /// Decodes JSON as Go's `encoding/json` decodes it into a value of `type`:
    /// struct fields matched by json name (exactly, else ignoring case),
    /// unknown keys ignored, missing fields left at their zero value, `null`
    /// giving nil pointers, slices and maps, and numbers in `interface {}`
    /// becoming float64.
    ///
    /// - Throws: ``JSONReadError`` for malformed JSON, ``JSONDecodeError`` when a
    ///   value does not fit its Go type.
    public init(json: String, as type: GoType = .interface) throws {
        self = try TemplateValue.decode(try JSONReader.read(json), as: type, context: DecodeContext())
    }

    /// Where decoding is, for Go's "into Go struct field Source.source.latitude" wording:
    /// the innermost struct's name and the json names from the root.
    struct DecodeContext {
        var structName: String?
        var fields: [String] = []
    }

    private static func mismatch(_ node: JSONNode, _ type: GoType, _ context: DecodeContext) -> JSONDecodeError {
        let kind: String
        switch node {
        case .null: kind = "null"
        case .bool: kind = "bool"
        case .number: kind = "number"
        case .string: kind = "string"
        case .array: kind = "array"
        case .object: kind = "object"
        }
        guard let structName = context.structName else {
            return JSONDecodeError(description: "json: cannot unmarshal \(kind) into Go value of type \(type)")
        }
        let field = context.fields.joined(separator: ".")
        return JSONDecodeError(description: "json: cannot unmarshal \(kind) into Go struct field \(structName).\(field) of type \(type)")
    }

    static func decode(_ node: JSONNode, as type: GoType, context: DecodeContext) throws -> TemplateValue {
        if case .null = node {
            return zero(of: type)
        }
        switch (type.underlying, node) {
        case (.interface, _): return generic(node)
        case (.bool, .bool(let b)): return .bool(b)
        case (.int, .number(let n)), (.int32, .number(let n)), (.int64, .number(let n)):
            guard let v = Int64(n) else { throw mismatch(node, type, context) }
            if case .int32 = type.underlying, Int64(Int32(truncatingIfNeeded: v)) != v { throw mismatch(node, type, context) }
            return .int(v, type)
        case (.float64, .number(let n)):
            guard let v = Double(n) else { throw mismatch(node, type, context) }
            return .float(v, type)
        case (.float32, .number(let n)):
            guard let v = Float(n) else { throw mismatch(node, type, context) }
            return .float(Double(v), type)
        case (.string, .string(let s)): return .string(s)
        case (.time, .string(let s)):
            guard let t = GoTime(rfc3339: s) else { throw mismatch(node, type, context) }
            return .time(t)
        case (.pointer(let inner), _): return .pointer(try decode(node, as: inner, context: context))
        case (.slice(let element), .array(let items)):
            return .list(try items.map { try decode($0, as: element, context: context) }, type)
        case (.map(let element), .object(let members)):
            var entries: [String: TemplateValue] = [:]
            for (key, value) in members { entries[key] = try decode(value, as: element, context: context) }
            return .map(GoMap(entries), type)
        case (.structure(let s), .object(let members)):
            var object = GoObject(s)
            for (key, value) in members {
                let index = s.fields.firstIndex { $0.jsonName == key }
                    ?? s.fields.firstIndex { $0.jsonName.lowercased() == key.lowercased() }
                guard let index else { continue }
                let field = s.fields[index]
                var inner = context
                inner.structName = String(s.name.split(separator: ".").last ?? "")
                inner.fields.append(field.jsonName)
                object.values[index] = try decode(value, as: field.type, context: inner)
            }
            return .object(object)
        default:
            throw mismatch(node, type, context)
        }
    }

    private static func generic(_ node: JSONNode) -> TemplateValue {
        switch node {
        case .null: .null(.interface)
        case .bool(let b): .bool(b)
        case .number(let n): .float(Double(n) ?? 0, .float64)
        case .string(let s): .string(s)
        case .array(let items): .list(items.map(generic))
        case .object(let members): .map(Dictionary(members.map { ($0.0, generic($0.1)) }, uniquingKeysWith: { $1 }))
        }
    }
}
