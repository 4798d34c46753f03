import WardenBasics
import WardenModel

/// Reads the JSON that `cscli decisions import` reads: an array of objects whose keys
/// are any of ``DecisionRow/fieldNames``, matched without regard to case as Go's
/// `encoding/json` matches them, each a string or null; other keys are ignored. A small
/// reader of its own: no Foundation in the CLI, and each object keeps its line number.
enum JSONDecisions {
    /// - Throws: ``InputError`` naming the line of the first syntax error, or when the
    ///   text is not an array; an element that is not an object, or a field that is
    ///   not a string, is a ``RowProblem`` instead.
    static func read(_ bytes: [UInt8], file: String) throws(InputError) -> DecisionFile {
        var parser = JSONParser(bytes: bytes, file: file)
        var result = DecisionFile()
        try parser.skipBlanks()
        guard parser.peek == UInt8(ascii: "[") else {
            throw parser.error("the file must hold a JSON array of objects, such as [{\"value\": \"192.0.2.7\"}]")
        }
        parser.index += 1
        try parser.skipBlanks()
        if parser.peek == UInt8(ascii: "]") {
            parser.index += 1
        } else {
            while true {
                try parser.skipBlanks()
                let line = parser.line
                if parser.peek == UInt8(ascii: "{") {
                    var row = DecisionRow(line: line)
                    var problem: String?
                    try parser.object { key, value in
                        let name = key.lowercased()
                        guard DecisionRow.fieldNames.contains(name) else { return }
                        switch value {
                        case .string(let text): row.set(name, text.trimmingSpaces)
                        case .null: break
                        case .other(let kind): problem = problem ?? "'\(key)' must be a string, found \(kind)"
                        }
                    }
                    if let problem {
                        result.problems.append(RowProblem(line: line, message: problem))
                    } else {
                        result.rows.append(row)
                    }
                } else {
                    let kind = try parser.skipValue()
                    result.problems.append(RowProblem(line: line, message: "an element of the array is \(kind), not an object"))
                }
                try parser.skipBlanks()
                if parser.peek == UInt8(ascii: ",") {
                    parser.index += 1
                } else if parser.peek == UInt8(ascii: "]") {
                    parser.index += 1
                    break
                } else {
                    throw parser.error("expected ',' or ']' after an element of the array")
                }
            }
        }
        try parser.skipBlanks()
        guard parser.peek == nil else { throw parser.error("text after the end of the array") }
        return result
    }
}

/// A value as the import needs it: a string, null, or what else it was.
enum JSONField {
    case string(String)
    case null
    /// A number, a boolean, an array or an object, named for messages ("a number").
    case other(String)
}

/// A cursor over JSON bytes that counts lines.
struct JSONParser {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1
    /// Arrays and objects open around the value being read. A row nests two deep; this
    /// reader recurses, so it stops past ``maxDepth`` (1 535 `[` overflowed the 8 MB stack
    /// of the fuzz build, debug with AddressSanitizer).
    var depth = 0
    static let maxDepth = 1_000

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func error(_ message: String) -> InputError {
        InputError("\(file):\(line): invalid JSON: \(message)")
    }

    mutating func skipBlanks() throws(InputError) {
        while let byte = peek, byte == 32 || byte == 9 || byte == 10 || byte == 13 {
            if byte == 10 { line += 1 }
            index += 1
        }
    }

    /// One level deeper, unless that is too deep.
    private mutating func enter() throws(InputError) {
        guard depth < Self.maxDepth else {
            throw error("arrays and objects nest more than \(Self.maxDepth) deep")
        }
        depth += 1
    }

    /// Reads an object, passing each key and value to `visit`.
    mutating func object(_ visit: (String, JSONField) -> Void) throws(InputError) {
        try enter()
        defer { depth -= 1 }
        index += 1  // {
        try skipBlanks()
        if peek == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            try skipBlanks()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
            let key = try string()
            try skipBlanks()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
            index += 1
            try skipBlanks()
            if peek == UInt8(ascii: "\"") {
                visit(key, .string(try string()))
            } else {
                let kind = try skipValue()
                visit(key, kind == "null" ? .null : .other(kind))
            }
            try skipBlanks()
            if peek == UInt8(ascii: ",") {
                index += 1
            } else if peek == UInt8(ascii: "}") {
                index += 1
                return
            } else {
                throw error("expected ',' or '}' after the value of \"\(key)\"")
            }
        }
    }

    /// Steps over any value; returns what it was: "a string", "a number", "null"...
    mutating func skipValue() throws(InputError) -> String {
        guard let byte = peek else { throw error("the text ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try string()
            return "a string"
        case UInt8(ascii: "{"):
            try object { _, _ in }
            return "an object"
        case UInt8(ascii: "["):
            try enter()
            defer { depth -= 1 }
            index += 1
            try skipBlanks()
            if peek == UInt8(ascii: "]") {
                index += 1
                return "an array"
            }
            while true {
                try skipBlanks()
                _ = try skipValue()
                try skipBlanks()
                if peek == UInt8(ascii: ",") {
                    index += 1
                } else if peek == UInt8(ascii: "]") {
                    index += 1
                    return "an array"
                } else {
                    throw error("expected ',' or ']' in an array")
                }
            }
        default:
            for (word, kind) in [("true", "a boolean"), ("false", "a boolean"), ("null", "null")]
            where bytes[index...].starts(with: word.utf8) {
                index += word.utf8.count
                return kind
            }
            let start = index
            while let digit = peek, (48...57).contains(digit) || [43, 45, 46, 69, 101].contains(digit) { index += 1 }
            guard index > start, Double(String(decoding: bytes[start..<index], as: UTF8.self)) != nil else {
                throw error("unexpected character '\(String(decoding: [byte], as: UTF8.self))'")
            }
            return "a number"
        }
    }

    /// Reads a string literal, escapes decoded.
    mutating func string() throws(InputError) -> String {
        index += 1  // "
        var out: [UInt8] = []
        while true {
            guard let byte = peek else { throw error("a string is not closed") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escape = peek else { throw error("a string is not closed") }
                index += 1
                switch (JSONEscape.byte(for: escape), escape) {
                case (let byte?, _): out.append(byte)
                case (nil, UInt8(ascii: "u")):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), bytes[index...].starts(with: [92, 117]) {
                        index += 2
                        let low = try hex4()
                        scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00) : 0xFFFD
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                default:
                    throw error("unknown escape '\\\(String(decoding: [escape], as: UTF8.self))' in a string")
                }
            case 0..<32:
                throw error("a control character inside a string; write it as an escape such as \\n")
            default:
                out.append(byte)
            }
        }
    }

    private mutating func hex4() throws(InputError) -> UInt32 {
        guard index + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw error("'\\u' must be followed by four hexadecimal digits") }
        index += 4
        return value
    }
}
