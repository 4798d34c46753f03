/// The tokens of a template, as Go's text/template/parse lexer emits them.
struct Token {
    enum Kind: Equatable {
        case error, bool, char, charConstant, assign, declare, eof, field, identifier
        case leftDelim, leftParen, number, pipe, rawString, rightDelim, rightParen, space, string, text, variable
        case dot, keyword(Keyword)
    }

    enum Keyword: String {
        case block, `break`, `continue`, define, `else`, end, `if`, range, `nil`, template, with
    }

    var kind: Kind
    /// Byte offset of the token in the template text.
    var pos: Int
    var value: String
    var line: Int

    /// How Go prints a token in "unexpected ..." messages.
    var description: String {
        switch kind {
        case .eof: return "EOF"
        case .error: return value
        case .keyword, .dot: return "<\(value)>"
        default:
            if value.unicodeScalars.count > 10 { return goQuote(String(String.UnicodeScalarView(value.unicodeScalars.prefix(10)))) + "..." }
            return goQuote(value)
        }
    }
}

/// Splits template text into tokens: text between `{{ }}` actions, and inside
/// actions fields, variables, strings, numbers and punctuation. Trim markers
/// (`{{- ` and ` -}}`) eat the spaces next to them; `{{/* */}}` comments vanish.
struct Lexer {
    private let input: [UInt8]
    private var pos = 0
    private var start = 0
    private var line = 1
    private var startLine = 1
    private var parenDepth = 0
    private var tokens: [Token] = []
    private let breakOK: Bool
    private let continueOK: Bool

    static func tokens(_ text: String, breakOK: Bool = true, continueOK: Bool = true) -> [Token] {
        var lexer = Lexer(input: Array(text.utf8), breakOK: breakOK, continueOK: continueOK)
        lexer.run()
        return lexer.tokens
    }

    private init(input: [UInt8], breakOK: Bool, continueOK: Bool) {
        self.input = input
        self.breakOK = breakOK
        self.continueOK = continueOK
    }

    private func has(_ s: String, at i: Int) -> Bool {
        let u = Array(s.utf8)
        return i >= 0 && input.count - i >= u.count && Array(input[i..<i + u.count]) == u
    }

    private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    private mutating func emit(_ kind: Token.Kind) {
        tokens.append(Token(kind: kind, pos: start, value: String(decoding: input[start..<pos], as: UTF8.self), line: startLine))
        start = pos
        startLine = line
    }

    private mutating func ignore() {
        line += input[start..<pos].filter { $0 == 0x0A }.count
        start = pos
        startLine = line
    }

    private mutating func fail(_ message: String) {
        tokens.append(Token(kind: .error, pos: start, value: message, line: startLine))
    }

    /// Advances over one character, counting lines.
    private mutating func next() -> UInt8? {
        guard pos < input.count else { pos += 1; return nil }
        let c = input[pos]
        pos += 1
        if c == 0x0A { line += 1 }
        return c
    }

    private mutating func backup() {
        pos -= 1
        if pos < input.count, input[pos] == 0x0A { line -= 1 }
    }

    private func hasLeftTrim(at i: Int) -> Bool { i + 1 < input.count && input[i] == UInt8(ascii: "-") && isSpace(input[i + 1]) }
    private func hasRightTrim(at i: Int) -> Bool { i + 1 < input.count && isSpace(input[i]) && input[i + 1] == UInt8(ascii: "-") }

    private func atRightDelim() -> (delim: Bool, trim: Bool) {
        if hasRightTrim(at: pos) && has("}}", at: pos + 2) { return (true, true) }
        return (has("}}", at: pos), false)
    }

    private mutating func run() {
        enum State { case text, leftDelim, inside, done }
        var state = State.text
        while true {
            switch state {
            case .done: return
            case .text: state = lexText() ? .leftDelim : .done
            case .leftDelim:
                pos += 2
                let trim = hasLeftTrim(at: pos)
                let after = trim ? 2 : 0
                if has("/*", at: pos + after) {
                    pos += after
                    ignore()
                    state = lexComment() ? .text : .done
                } else {
                    emit(.leftDelim)
                    pos += after
                    ignore()
                    parenDepth = 0
                    state = .inside
                }
            case .inside:
                switch lexInsideAction() {
                case .some(true): state = .text
                case .some(false): state = .inside
                case .none: state = .done
                }
            }
        }
    }

    /// Scans text up to the next `{{`; false at the end of input.
    private mutating func lexText() -> Bool {
        var x = pos
        while x + 1 < input.count, !(input[x] == UInt8(ascii: "{") && input[x + 1] == UInt8(ascii: "{")) { x += 1 }
        if x + 1 < input.count {
            var end = x
            if hasLeftTrim(at: x + 2) {
                while end > start, isSpace(input[end - 1]) { end -= 1 }
            }
            pos = end
            if pos > start {
                line += input[start..<pos].filter { $0 == 0x0A }.count
                emit(.text)
            }
            pos = x
            ignore()
            return true
        }
        pos = input.count
        if pos > start {
            line += input[start..<pos].filter { $0 == 0x0A }.count
            emit(.text)
        }
        emit(.eof)
        return false
    }

    private mutating func lexComment() -> Bool {
        pos += 2
        var i = pos
        while i + 1 < input.count, !(input[i] == UInt8(ascii: "*") && input[i + 1] == UInt8(ascii: "/")) { i += 1 }
        guard i + 1 < input.count else { fail("unclosed comment"); return false }
        pos = i + 2
        let (delim, trim) = atRightDelim()
        guard delim else { fail("comment ends before closing delimiter"); return false }
        if trim { pos += 2 }
        pos += 2
        if trim { while pos < input.count, isSpace(input[pos]) { pos += 1 } }
        ignore()
        return true
    }

    /// One step inside an action: true when the action closed, false to go on, nil on error.
    private mutating func lexInsideAction() -> Bool? {
        let (delim, trim) = atRightDelim()
        if delim {
            guard parenDepth == 0 else { fail("unclosed left paren"); return nil }
            if trim { pos += 2; ignore() }
            pos += 2
            emit(.rightDelim)
            if trim {
                while pos < input.count, isSpace(input[pos]) { pos += 1 }
                ignore()
            }
            return true
        }
        guard let c = next() else { fail("unclosed action"); return nil }
        switch c {
        case _ where isSpace(c):
            backup()
            return lexSpace()
        case UInt8(ascii: "="): emit(.assign)
        case UInt8(ascii: ":"):
            guard next() == UInt8(ascii: "=") else { fail("expected :="); return nil }
            emit(.declare)
        case UInt8(ascii: "|"): emit(.pipe)
        case UInt8(ascii: "\""): return lexQuote()
        case UInt8(ascii: "`"):
            while true {
                guard let d = next() else { fail("unterminated raw quoted string"); return nil }
                if d == UInt8(ascii: "`") { break }
            }
            emit(.rawString)
        case UInt8(ascii: "$"): return lexFieldOrVariable(.variable)
        case UInt8(ascii: "'"):
            while true {
                guard let d = next(), d != 0x0A else { fail("unterminated character constant"); return nil }
                if d == UInt8(ascii: "\\") { _ = next(); continue }
                if d == UInt8(ascii: "'") { break }
            }
            emit(.charConstant)
        case UInt8(ascii: "."):
            if pos < input.count, !(0x30...0x39).contains(input[pos]) { return lexFieldOrVariable(.field) }
            if pos >= input.count { return lexFieldOrVariable(.field) }
            backup()
            return lexNumber()
        case UInt8(ascii: "+"), UInt8(ascii: "-"), 0x30...0x39:
            backup()
            return lexNumber()
        case _ where isAlphaNumeric(c):
            backup()
            return lexIdentifier()
        case UInt8(ascii: "("):
            emit(.leftParen)
            parenDepth += 1
        case UInt8(ascii: ")"):
            emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { fail("unexpected right paren U+0029 ')'"); return nil }
        case 0x21...0x7E:
            emit(.char)
        default:
            backup()
            let scalar = String(decoding: input[pos...].prefix(4), as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
            fail("unrecognized character in action: \(goUnicode(scalar))")
            return nil
        }
        return false
    }

    private func isAlphaNumeric(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "_") || (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c >= 0x80
    }

    private mutating func lexSpace() -> Bool? {
        var count = 0
        while pos < input.count, isSpace(input[pos]) { _ = next(); count += 1 }
        if hasRightTrim(at: pos - 1) && has("}}", at: pos + 1) {
            backup()
            if count == 1 { return lexInsideAction() }
        }
        emit(.space)
        return false
    }

    private func atTerminator() -> Bool {
        guard pos < input.count else { return true }
        let c = input[pos]
        if isSpace(c) || [UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"), UInt8(ascii: ")"), UInt8(ascii: "(")].contains(c) { return true }
        return has("}}", at: pos)
    }

    private mutating func badCharacter() -> Bool? {
        let scalar = pos < input.count ? (String(decoding: input[pos...].prefix(4), as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}") : "\u{FFFD}"
        fail("bad character \(goUnicode(scalar))")
        return nil
    }

    private mutating func lexIdentifier() -> Bool? {
        while pos < input.count, isAlphaNumeric(input[pos]) { pos += 1 }
        guard atTerminator() else { return badCharacter() }
        let word = String(decoding: input[start..<pos], as: UTF8.self)
        if let keyword = Token.Keyword(rawValue: word), !(keyword == .break && !breakOK), !(keyword == .continue && !continueOK) {
            emit(.keyword(keyword))
        } else if word == "true" || word == "false" {
            emit(.bool)
        } else {
            emit(.identifier)
        }
        return false
    }

    private mutating func lexFieldOrVariable(_ kind: Token.Kind) -> Bool? {
        if atTerminator() {
            emit(kind == .variable ? .variable : .dot)
            return false
        }
        while pos < input.count, isAlphaNumeric(input[pos]) { pos += 1 }
        guard atTerminator() else { return badCharacter() }
        emit(kind)
        return false
    }

    private mutating func lexQuote() -> Bool? {
        while true {
            guard let c = next(), c != 0x0A else { fail("unterminated quoted string"); return nil }
            if c == UInt8(ascii: "\\") {
                guard let d = next(), d != 0x0A else { fail("unterminated quoted string"); return nil }
                _ = d
                continue
            }
            if c == UInt8(ascii: "\"") { break }
        }
        emit(.string)
        return false
    }

    private mutating func lexNumber() -> Bool? {
        if pos < input.count, input[pos] == UInt8(ascii: "+") || input[pos] == UInt8(ascii: "-") { pos += 1 }
        var digits = "0123456789_"
        if has("0x", at: pos) || has("0X", at: pos) { pos += 2; digits = "0123456789abcdefABCDEF_" }
        let allowed = Set(digits.utf8)
        while pos < input.count, allowed.contains(input[pos]) { pos += 1 }
        if pos < input.count, input[pos] == UInt8(ascii: ".") {
            pos += 1
            while pos < input.count, allowed.contains(input[pos]) { pos += 1 }
        }
        if digits.count == 11, pos < input.count, input[pos] == UInt8(ascii: "e") || input[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < input.count, input[pos] == UInt8(ascii: "+") || input[pos] == UInt8(ascii: "-") { pos += 1 }
            while pos < input.count, (0x30...0x39).contains(input[pos]) { pos += 1 }
        }
        if pos < input.count, isAlphaNumeric(input[pos]) {
            pos += 1
            fail("bad number syntax: \(goQuote(String(decoding: input[start..<pos], as: UTF8.self)))")
            return nil
        }
        emit(.number)
        return false
    }
}

/// Go's `%q` for a string: double quotes, Go escapes, non-printable as \x or \u.
func goQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\u{0B}": out += "\\v"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + hex(scalar.value, width: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Go's `%#U`: U+0023 '#'.
func goUnicode(_ scalar: Unicode.Scalar) -> String {
    "U+" + hex(scalar.value, width: 4).uppercased() + " '" + String(scalar) + "'"
}

func hex(_ v: UInt32, width: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
