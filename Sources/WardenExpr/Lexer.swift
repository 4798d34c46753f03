/// Splits an expression into tokens the way expr 1.8/1.9 does, so positions and
/// the first error match its own (`literal not terminated`, `bad number syntax`).
struct Lexer {
    private let input: [Unicode.Scalar]
    private var tokens: [Token] = []
    private var start = 0, end = 0
    private var width = 0
    private var startLocation = SourceLocation(line: 1, column: 0)
    private var location = SourceLocation(line: 1, column: 0)
    private var previous = SourceLocation(line: 1, column: 0)
    private var error: (String, SourceLocation)?

    init(_ source: String) {
        input = Array(source.unicodeScalars)
    }

    /// The tokens, ending with EOF, or the first lexical error.
    static func tokens(of source: String) throws(ExprError) -> [Token] {
        var lexer = Lexer(source)
        lexer.run()
        if let (message, location) = lexer.error {
            throw ExprError(.compile, message, at: location, in: source)
        }
        return lexer.tokens
    }

    private mutating func run() {
        while error == nil {
            let r = next()
            if r == nil {
                tokens.append(Token(kind: .eof, value: "", location: previous))
                return
            }
            let c = r!
            if c.properties.isWhitespace {
                ignore()
            } else if c == "'" || c == "\"" {
                scanString(quote: c)
                if error != nil { return }
                let word = String(String.UnicodeScalarView(input[start..<end]))
                switch StringLiteral.unescape(word) {
                case .success(let text): emit(.string, text)
                case .failure(let failure):
                    fail(failure.message)
                    return
                }
            } else if ("0"..."9").contains(c) {
                backup()
                scanNumberToken()
            } else if "([{".unicodeScalars.contains(c) || ")]}".unicodeScalars.contains(c) {
                emit(.bracket)
            } else if "#,?:%+-/".unicodeScalars.contains(c) {
                emit(.operator)
            } else if "&|!=*<>".unicodeScalars.contains(c) {
                _ = accept("&|=*")
                emit(.operator)
            } else if c == "." {
                backup()
                dot()
            } else if Self.isAlphaNumeric(c) {
                backup()
                identifier()
            } else {
                fail("unrecognized character: \(GoFormat.unicodeDescription(c))")
            }
        }
    }

    // MARK: scanning primitives (expr's next/backup/accept)

    private mutating func next() -> Unicode.Scalar? {
        guard end < input.count else {
            width = 0
            return nil
        }
        let r = input[end]
        width = 1
        end += 1
        previous = location
        if r == "\n" {
            location.line += 1
            location.column = 0
        } else {
            location.column += 1
        }
        return r
    }

    private mutating func peek() -> Unicode.Scalar? {
        let r = next()
        backup()
        return r
    }

    private mutating func backup() {
        end -= width
        location = previous
    }

    private mutating func accept(_ valid: String) -> Bool {
        if let r = next(), valid.unicodeScalars.contains(r) { return true }
        backup()
        return false
    }

    private mutating func acceptRun(_ valid: String) {
        while let r = next(), valid.unicodeScalars.contains(r) {}
        backup()
    }

    private mutating func emit(_ kind: Token.Kind, _ value: String? = nil) {
        let text = value ?? String(String.UnicodeScalarView(input[start..<end]))
        tokens.append(Token(kind: kind, value: text, location: startLocation))
        ignore()
    }

    private mutating func ignore() {
        start = end
        startLocation = location
    }

    private mutating func fail(_ message: String) {
        if error == nil { error = (message, location) }
    }

    private var word: String { String(String.UnicodeScalarView(input[start..<end])) }

    // MARK: states

    private mutating func scanNumberToken() {
        if scanNumber() {
            emit(.number)
        } else {
            fail("bad number syntax: \(GoFormat.quote(word))")
        }
    }

    private mutating func scanNumber() -> Bool {
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        let saved = (location, previous, end)
        if accept(".") {
            // `1..2` is a range: give the dot back (expr restores by hand: two backups).
            if peek() == "." {
                (location, previous, end) = saved
                return true
            }
            acceptRun(digits)
        }
        if accept("eE") {
            _ = accept("+-")
            acceptRun(digits)
        }
        if let r = peek(), Self.isAlphaNumeric(r) {
            _ = next()
            return false
        }
        return true
    }

    private mutating func dot() {
        _ = next()
        if accept("0123456789") {
            backup()
            scanNumberToken()
            return
        }
        _ = accept(".")
        emit(.operator)
    }

    private mutating func identifier() {
        while let r = next(), Self.isAlphaNumeric(r) {}
        backup()
        switch word {
        case "not":
            _ = acceptWord(" in")
            emit(.operator)
        case "in", "or", "and", "matches", "contains", "startsWith", "endsWith":
            emit(.operator)
        default:
            emit(.identifier)
        }
    }

    private mutating func acceptWord(_ word: String) -> Bool {
        let saved = (end, location, previous)
        for c in word.unicodeScalars where next() != c {
            (end, location, previous) = saved
            return false
        }
        return true
    }

    private mutating func scanString(quote: Unicode.Scalar) {
        var c = next()
        while c != quote {
            guard let ch = c, ch != "\n" else {
                fail("literal not terminated")
                return
            }
            if ch == "\\" {
                c = scanEscape(quote: quote)
            } else {
                c = next()
            }
        }
    }

    private mutating func scanEscape(quote: Unicode.Scalar) -> Unicode.Scalar? {
        let c = next()
        switch c {
        case "a", "b", "f", "n", "r", "t", "v", "\\", quote:
            return next()
        case "0", "1", "2", "3", "4", "5", "6", "7":
            return scanDigits(c, base: 8, count: 3)
        case "x":
            return scanDigits(next(), base: 16, count: 2)
        case "u":
            return scanDigits(next(), base: 16, count: 4)
        case "U":
            return scanDigits(next(), base: 16, count: 8)
        default:
            fail("invalid char escape")
            return nil
        }
    }

    private mutating func scanDigits(_ first: Unicode.Scalar?, base: Int, count: Int) -> Unicode.Scalar? {
        var c = first
        var n = count
        while n > 0, let ch = c, Self.digitValue(ch) < base {
            c = next()
            n -= 1
        }
        if n > 0 { fail("invalid char escape") }
        return c
    }

    private static func digitValue(_ c: Unicode.Scalar) -> Int {
        switch c {
        case "0"..."9": return Int(c.value - 48)
        case "a"..."f": return Int(c.value - 97 + 10)
        case "A"..."F": return Int(c.value - 65 + 10)
        default: return 16
        }
    }

    static func isAlphabetic(_ r: Unicode.Scalar) -> Bool {
        r == "_" || r == "$" || isGoLetter(r)
    }

    static func isAlphaNumeric(_ r: Unicode.Scalar) -> Bool {
        isAlphabetic(r) || r.properties.generalCategory == .decimalNumber
    }

    /// Go's unicode.IsLetter: categories L* only (Swift's isAlphabetic also admits some marks and numbers).
    private static func isGoLetter(_ r: Unicode.Scalar) -> Bool {
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
}
