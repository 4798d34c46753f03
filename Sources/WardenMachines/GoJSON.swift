import WardenBasics

/// A small JSON reader whose syntax errors read exactly as Go's `encoding/json` writes
/// them ("invalid character 'o' in literal null (expecting 'u')"), because LAPI puts
/// those messages in its 401 and 400 bodies (login bodies, JWT segments) and clients
/// and tests compare them. Values are kept as a tree; numbers as their text.
public indirect enum GoJSON: Sendable, Equatable {
    case object([(String, GoJSON)])
    case array([GoJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: GoJSON, b: GoJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    /// The value of `key` in an object (the last one, as Go keeps), nil otherwise.
    public subscript(key: String) -> GoJSON? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// The string, when this is one.
    public var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// Go's name for the kind of this value in "cannot unmarshal X into ..." messages.
    public var goKind: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }

    /// The deepest nesting read. Go allows 10 000 levels and words a deeper one "invalid
    /// character '[' exceeded max depth"; this reader recurses, and 10 000 levels overflow
    /// a task's stack, so it stops at 1 000 with Go's words (no client nests a login
    /// body or an alert that deep; a body of a million `[` once took the process down).
    public static let maxDepth = 1_000

    /// Parses `bytes` as one JSON document.
    /// - Throws: ``GoJSONError`` with Go's message for the first syntax error.
    public static func parse(_ bytes: [UInt8]) throws(GoJSONError) -> GoJSON {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value()
        reader.skipSpace()
        if let c = reader.peek { throw reader.invalid(c, "after top-level value") }
        return value
    }

    /// Reads the first JSON value of `bytes` as Go's `json.Decoder` does (what gin's
    /// `ShouldBindJSON` uses): nothing but space is `EOF`, a value cut short is
    /// `unexpected EOF`, and what follows the value is not looked at.
    /// - Throws: ``GoJSONError`` with Go's message.
    public static func decodeFirst(_ bytes: [UInt8]) throws(GoJSONError) -> GoJSON {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        guard reader.peek != nil else { throw GoJSONError(description: "EOF") }
        do {
            return try reader.value()
        } catch where error == Reader.end {
            throw GoJSONError(description: "unexpected EOF")
        }
    }
}

/// A JSON syntax error with the message Go's `encoding/json` gives for it.
public struct GoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    /// An error worded by the caller in Go's words (a type mismatch Go's decoder reports).
    public init(description: String) {
        self.description = description
    }
}

private struct Reader {
    let bytes: [UInt8]
    var at = 0
    /// Objects and arrays open around the value being read.
    var depth = 0
    static var maxDepth: Int { GoJSON.maxDepth }

    var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

    mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { at += 1 }
    }

    func invalid(_ c: UInt8, _ context: String) -> GoJSONError {
        GoJSONError(description: "invalid character \(Self.quote(c)) \(context)")
    }

    static let end = GoJSONError(description: "unexpected end of JSON input")

    /// Go's `quoteChar`: `'x'`, with `\'`, `"` and control characters escaped as strconv.Quote does.
    static func quote(_ c: UInt8) -> String {
        switch c {
        case 0x27: return #"'\''"#
        case 0x22: return #"'"'"#
        case 0x07: return #"'\a'"#
        case 0x08: return #"'\b'"#
        case 0x0C: return #"'\f'"#
        case 0x0A: return #"'\n'"#
        case 0x0D: return #"'\r'"#
        case 0x09: return #"'\t'"#
        case 0x0B: return #"'\v'"#
        case 0x5C: return #"'\\'"#
        case 0..<0x20, 0x7F:
            let hex = Array("0123456789abcdef")
            return "'\\x\(hex[Int(c >> 4)])\(hex[Int(c & 15)])'"
        default:
            return "'\(Character(Unicode.Scalar(c)))'"
        }
    }

    mutating func next() throws(GoJSONError) -> UInt8 {
        guard let c = peek else { throw Self.end }
        at += 1
        return c
    }

    mutating func value() throws(GoJSONError) -> GoJSON {
        guard let c = peek else { throw Self.end }
        switch c {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw invalid(c, "looking for beginning of value")
        }
    }

    mutating func literal(_ word: String) throws(GoJSONError) {
        at += 1
        for expected in word.utf8.dropFirst() {
            let c = try next()
            if c != expected {
                throw invalid(c, "in literal \(word) (expecting \(Self.quote(expected)))")
            }
        }
    }

    /// Enters an object or array at `at`; Go's error beyond ``maxDepth``.
    mutating func enter() throws(GoJSONError) {
        depth += 1
        if depth > Self.maxDepth { throw invalid(bytes[at], "exceeded max depth") }
        at += 1
    }

    mutating func object() throws(GoJSONError) -> GoJSON {
        try enter()
        defer { depth -= 1 }
        var members: [(String, GoJSON)] = []
        skipSpace()
        if peek == UInt8(ascii: "}") { at += 1; return .object(members) }
        while true {
            skipSpace()
            let c = try next()
            guard c == UInt8(ascii: "\"") else { throw invalid(c, "looking for beginning of object key string") }
            at -= 1
            let key = try string()
            skipSpace()
            let colon = try next()
            guard colon == UInt8(ascii: ":") else { throw invalid(colon, "after object key") }
            skipSpace()
            members.append((key, try value()))
            skipSpace()
            let separator = try next()
            if separator == UInt8(ascii: "}") { return .object(members) }
            guard separator == UInt8(ascii: ",") else { throw invalid(separator, "after object key:value pair") }
        }
    }

    mutating func array() throws(GoJSONError) -> GoJSON {
        try enter()
        defer { depth -= 1 }
        var items: [GoJSON] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { at += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            let separator = try next()
            if separator == UInt8(ascii: "]") { return .array(items) }
            guard separator == UInt8(ascii: ",") else { throw invalid(separator, "after array element") }
        }
    }

    mutating func string() throws(GoJSONError) -> String {
        at += 1
        var out: [UInt8] = []
        while true {
            let c = try next()
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                let e = try next()
                switch (JSONEscape.byte(for: e), e) {
                case (let byte?, _): out.append(byte)
                case (nil, UInt8(ascii: "u")):
                    var code: UInt32 = 0
                    for _ in 0..<4 {
                        let h = try next()
                        guard let digit = JSONEscape.hexValue(h) else {
                            throw invalid(h, "in \\u hexadecimal character escape")
                        }
                        code = code << 4 | digit
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
                default:
                    throw invalid(e, "in string escape code")
                }
            case 0..<0x20:
                throw invalid(c, "in string literal")
            default:
                out.append(c)
            }
        }
    }

    static func isDigit(_ c: UInt8?) -> Bool { c.map { (0x30...0x39).contains($0) } ?? false }

    /// Go's number states: `-`, then `0` or 1-9 digits, then `.digits`, then `e[+-]digits`.
    mutating func number() throws(GoJSONError) -> String {
        let start = at
        if peek == UInt8(ascii: "-") {
            at += 1
            let c = try next()
            guard Self.isDigit(c) else { throw invalid(c, "in numeric literal") }
            at -= 1
        }
        if peek == UInt8(ascii: "0") {
            at += 1
        } else {
            while Self.isDigit(peek) { at += 1 }
        }
        if peek == UInt8(ascii: ".") {
            at += 1
            let c = try next()
            guard Self.isDigit(c) else { throw invalid(c, "after decimal point in numeric literal") }
            while Self.isDigit(peek) { at += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            at += 1
            var c = try next()
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { c = try next() }
            guard Self.isDigit(c) else { throw invalid(c, "in exponent of numeric literal") }
            while Self.isDigit(peek) { at += 1 }
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }
}
