/// Why a value cannot be written as JSON (Go's `json: unsupported value: NaN`).
struct JSONWriteError: Error, CustomStringConvertible {
    let description: String
}

/// Go's `encoding/json` output for a value: struct fields in declaration order
/// under their json names (`omitempty` honoured), map keys sorted, `<`, `>`
/// and `&` escaped as `\u003c`... when `escapeHTML` is set (as `json.Marshal`
/// does), floats in Go's shortest form.
struct JSONWriter {
    var escapeHTML = true
    /// `json.MarshalIndent`'s indent; nil for compact output.
    var indent: String? = nil

    func write(_ value: TemplateValue) throws -> String {
        var out = ""
        try write(value, into: &out, depth: 0)
        return out
    }

    private func newline(_ out: inout String, _ depth: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: indent, count: depth)
    }

    private func write(_ value: TemplateValue, into out: inout String, depth: Int) throws {
        switch value {
        case .noValue, .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i, _): out += String(i)
        case .float(let f, let type):
            let bits = type.underlying == .float32 ? 32 : 64
            guard f.isFinite else { throw JSONWriteError(description: "json: unsupported value: \(goFormatFloat(f, bits: bits))") }
            let magnitude = abs(f)
            let decimal = ShortestDecimal(f, bits: bits)
            // Go compares in the value's own precision: float32(1e-6) is not below the float32 bound.
            let exponential = bits == 32
                ? Float(magnitude) < Float(1e-6) || Float(magnitude) >= Float(1e21)
                : magnitude < 1e-6 || magnitude >= 1e21
            if magnitude != 0, exponential {
                var text = decimal.exponential
                // Go writes e-7, not e-07.
                let chars = Array(text)
                let n = chars.count
                if n >= 4, chars[n - 4] == "e", chars[n - 3] == "-", chars[n - 2] == "0" {
                    text = String(chars[..<(n - 2)]) + String(chars[n - 1])
                }
                out += text
            } else {
                out += decimal.fixed
            }
        case .string(let s): writeString(s, into: &out)
        case .time(let t): writeString(t.format(GoTime.rfc3339NanoLayout), into: &out)
        case .pointer(let inner): try write(inner, into: &out, depth: depth)
        case .list(let items, _):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, depth + 1)
                try write(item, into: &out, depth: depth + 1)
            }
            newline(&out, depth)
            out += "]"
        case .map(let map, _):
            let entries = map.entries
            if entries.isEmpty { out += "{}"; return }
            out += "{"
            for (i, key) in entries.keys.sorted(by: goLess).enumerated() {
                if i > 0 { out += "," }
                newline(&out, depth + 1)
                writeString(key, into: &out)
                out += indent == nil ? ":" : ": "
                try write(entries[key]!, into: &out, depth: depth + 1)
            }
            newline(&out, depth)
            out += "}"
        case .object(let object):
            let shown = zip(object.type.fields, object.values).filter { !($0.omitEmpty && $1.isEmptyForJSON) }
            if shown.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (field, fieldValue)) in shown.enumerated() {
                if i > 0 { out += "," }
                newline(&out, depth + 1)
                writeString(field.jsonName, into: &out)
                out += indent == nil ? ":" : ": "
                try write(fieldValue, into: &out, depth: depth + 1)
            }
            newline(&out, depth)
            out += "}"
        }
    }

    private func writeString(_ s: String, into out: inout String) {
        let hex: [Character] = Array("0123456789abcdef")
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<" where escapeHTML, ">" where escapeHTML, "&" where escapeHTML, "\u{2028}", "\u{2029}":
                let v = Int(scalar.value)
                out += "\\u" + String([hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]])
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + String([hex[Int(scalar.value) >> 4], hex[Int(scalar.value) & 15]])
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// Go's string order (bytewise), which sorts map keys in JSON and in `range`.
func goLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

extension TemplateValue {
    /// Whether `omitempty` drops this value: false, 0, "", nil, or an empty slice or map.
    var isEmptyForJSON: Bool {
        switch self {
        case .noValue, .null: true
        case .bool(let b): !b
        case .int(let i, _): i == 0
        case .float(let f, _): f == 0
        case .string(let s): s.isEmpty
        case .list(let items, _): items.isEmpty
        case .map(let map, _): map.entries.isEmpty
        case .pointer, .object, .time: false
        }
    }
}
