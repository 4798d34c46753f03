/// The little JSON the CLI writes: strings, numbers, arrays of flat objects.
/// Written by hand to keep Foundation (≈ 4 ms of start-up) out of the CLI.
enum JSONText {
    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// One object with `pairs` in order; each value is already JSON text.
    static func object(_ pairs: [(String, String)], indent: String = "") -> String {
        guard !pairs.isEmpty else { return "{}" }
        let inner = indent + "  "
        let body = pairs.map { "\(inner)\(string($0.0)): \($0.1)" }.joined(separator: ",\n")
        return "{\n\(body)\n\(indent)}"
    }

    /// An array of objects, `[]` when empty.
    static func array(of objects: [[(String, String)]]) -> String {
        guard !objects.isEmpty else { return "[]" }
        return "[\n" + objects.map { "  " + object($0, indent: "  ") }.joined(separator: ",\n") + "\n]"
    }

    /// An array of strings on one line: `["a", "b"]`.
    static func array(strings: [String]) -> String {
        "[" + strings.map(string).joined(separator: ", ") + "]"
    }
}
