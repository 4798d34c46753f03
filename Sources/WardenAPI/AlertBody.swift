import FoundationEssentials
import WardenAlerts
import WardenEngine
import WardenMachines

/// A `POST /v1/alerts` body: the alerts, and each one's bytes as sent (its identity for
/// ``AlertIntake``).
struct AlertBody {
    var alerts: [Alert]
    var elements: [ArraySlice<UInt8>]

    /// Reads `bytes` as gin's `ShouldBindJSON` reads `models.AddAlertsRequest`.
    /// - Throws: the 400 LAPI answers: Go's message for bad JSON (exact), or for a value of
    ///   the wrong type (Go's shape, naming the field).
    static func parse(_ bytes: [UInt8]) throws(APIError) -> AlertBody {
        if let read = AlertBatchReader.read(bytes) { return AlertBody(alerts: read.alerts, elements: read.elements) }
        // What the fast reader declines: read by `Decodable`, which also words Go's errors.
        let alerts: [Alert]
        do {
            alerts = try JSONDecoder().decode([Alert].self, from: Data(bytes))
        } catch {
            throw APIError(.badRequest, message: message(for: error, in: bytes))
        }
        guard let elements = arrayElements(bytes), elements.count == alerts.count else {
            throw APIError(.badRequest, message: "json: cannot unmarshal the alerts: not a JSON array of objects")
        }
        return AlertBody(alerts: alerts, elements: elements)
    }

    /// Go's message for a body Swift's decoder refused: the syntax error first (as Go
    /// checks syntax before types), else the type mismatch.
    static func message(for error: any Error, in bytes: [UInt8]) -> String {
        do {
            let value = try GoJSON.decodeFirst(bytes)
            if case .array = value {} else if value != .null {
                return "json: cannot unmarshal \(value.goKind) into Go value of type models.AddAlertsRequest"
            }
        } catch {
            return error.description
        }
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let path = context.codingPath.filter { $0.intValue == nil }.map(\.stringValue)
            let field = path.isEmpty ? "" : " field Alert.\(path.joined(separator: "."))"
            return "json: cannot unmarshal the value at \(describe(context.codingPath)) into Go struct\(field) of type \(goType(type))"
        case .dataCorrupted(let context), .keyNotFound(_, let context):
            return "json: cannot unmarshal the value at \(describe(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func describe(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top" : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    private static func goType(_ type: Any.Type) -> String {
        switch type {
        case is Int32.Type: "int32"
        case is Int64.Type: "int64"
        case is Float.Type: "float32"
        case is Bool.Type: "bool"
        case is String.Type: "string"
        default: "\(type)"
        }
    }

    /// The byte ranges of the elements of a top-level JSON array (`bytes` is valid JSON);
    /// nil when the top level is not an array.
    static func arrayElements(_ bytes: [UInt8]) -> [ArraySlice<UInt8>]? {
        var at = 0
        func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "n") { return [] }  // null: no alert, as Go reads it
        guard at < bytes.count, bytes[at] == UInt8(ascii: "[") else { return nil }
        at += 1
        var elements: [ArraySlice<UInt8>] = []
        var depth = 0, start = -1, inString = false, escaped = false
        while at < bytes.count {
            let c = bytes[at]
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
            } else {
                switch c {
                case UInt8(ascii: "\""):
                    inString = true
                    if start < 0 { start = at }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    if start < 0 { start = at }
                    depth += 1
                case UInt8(ascii: "}") where depth > 0, UInt8(ascii: "]") where depth > 0:
                    depth -= 1
                case UInt8(ascii: ","), UInt8(ascii: "]"):
                    if depth == 0 {
                        if start >= 0 {
                            var end = at
                            while end > start, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
                            elements.append(bytes[start..<end])
                        }
                        start = -1
                        if c == UInt8(ascii: "]") { return elements }
                    }
                case 0x20, 0x09, 0x0A, 0x0D:
                    break
                default:
                    if start < 0 { start = at }
                }
            }
            at += 1
        }
        return nil
    }
}
