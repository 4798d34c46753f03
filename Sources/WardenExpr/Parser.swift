/// Builds the syntax tree with expr's precedence table and its error messages.
///
/// Precedence, lowest first: `or ||` 10, `and &&` 15, comparisons and `in`, `not in`,
/// `matches`, `contains`, `startsWith`, `endsWith` 20, `..` 25, `+ -` 30, `* / %` 60,
/// `**` 70 (right-associative). Unary `not !` bind at 50 and unary `- +` at 500, so
/// `-2 ** 2` is 4 and `!a == b` is `(!a) == b`, as in expr. The ternary `?:` is only
/// parsed at the top of an expression, a parenthesis or an argument.
struct Parser {
    private static let unary: [String: Int] = ["not": 50, "!": 50, "-": 500, "+": 500]
    private static let binary: [String: (precedence: Int, rightAssociative: Bool)] = [
        "or": (10, false), "||": (10, false), "and": (15, false), "&&": (15, false),
        "==": (20, false), "!=": (20, false), "<": (20, false), ">": (20, false), ">=": (20, false),
        "<=": (20, false), "not in": (20, false), "in": (20, false), "matches": (20, false),
        "contains": (20, false), "startsWith": (20, false), "endsWith": (20, false),
        "..": (25, false), "+": (30, false), "-": (30, false), "*": (60, false), "/": (60, false),
        "%": (60, false), "**": (70, true),
    ]
    /// expr's builtins and how many arguments they take (the second of two is a closure).
    static let builtins: [String: Int] = [
        "len": 1, "all": 2, "none": 2, "any": 2, "one": 2, "filter": 2, "map": 2, "count": 2,
    ]

    private let tokens: [Token]
    private var current: Token
    private var position = 0
    private var error: (String, SourceLocation)?
    private var depth = 0
    /// How deep a tree may be (``Node/height``), and how deep parsing may recurse. The
    /// checker, the optimizer and the evaluator recurse once a level (Go's expr never runs
    /// out of stack: a goroutine's grows): 600 unary minuses overflowed the evaluator in
    /// the fuzz build (debug, AddressSanitizer). CrowdSec's profiles stay under 20.
    static let maxHeight = 200
    private var nesting = 0

    private init(tokens: [Token]) {
        self.tokens = tokens
        self.current = tokens[0]
    }

    /// The tree of `source`, or the first error, positioned as expr positions it.
    static func parse(_ source: String) throws(ExprError) -> Node {
        let tokens = try Lexer.tokens(of: source)
        var parser = Parser(tokens: tokens)
        let node = parser.parseExpression(0)
        if !parser.current.is(.eof) {
            parser.fail("unexpected token \(parser.current.goDescription)")
        }
        if let (message, location) = parser.error {
            throw ExprError(.compile, message, at: location, in: source)
        }
        return node
    }

    private mutating func fail(_ message: String, at location: SourceLocation? = nil) {
        if error == nil { error = (message, location ?? current.location) }
    }

    private mutating func next() {
        position += 1
        guard position < tokens.count else {
            fail("unexpected end of expression")
            return
        }
        current = tokens[position]
    }

    private mutating func expect(_ kind: Token.Kind, _ value: String) {
        if current.is(kind, value) {
            next()
        } else {
            fail("unexpected token \(current.goDescription)")
        }
    }

    /// Fails when `node` is deeper than ``maxHeight``; loops stop building on a failure.
    @discardableResult
    private mutating func checkHeight(_ node: Node) -> Node {
        if node.height > Self.maxHeight {
            fail("expression too deep: more than \(Self.maxHeight) levels")
        }
        return node
    }

    private mutating func parseExpression(_ precedence: Int) -> Node {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxHeight else {
            fail("expression too deep: more than \(Self.maxHeight) levels")
            return Node(.null, at: current.location)
        }
        var left = parsePrimary()
        var token = current
        while token.is(.operator), error == nil {
            guard let op = Self.binary[token.value], op.precedence >= precedence else { break }
            next()
            let right = parseExpression(op.rightAssociative ? op.precedence : op.precedence + 1)
            if token.value == "matches" {
                var regex: CompiledRegex?
                if case .string(let pattern) = right.kind {
                    do {
                        regex = try CompiledRegex(pattern)
                    } catch {
                        fail(error.message)
                    }
                }
                left = Node(.matches(left, right, regex), at: token.location)
            } else {
                left = Node(.binary(token.value, left, right), at: token.location)
            }
            checkHeight(left)
            token = current
        }
        if precedence == 0 {
            left = parseConditional(left)
        }
        return checkHeight(left)
    }

    private mutating func parsePrimary() -> Node {
        let token = current
        if token.is(.operator), let precedence = Self.unary[token.value] {
            next()
            let operand = parseExpression(precedence)
            return parsePostfix(Node(.unary(token.value, operand), at: token.location))
        }
        if token.is(.bracket, "(") {
            next()
            let inner = parseExpression(0)
            expect(.bracket, ")")
            return parsePostfix(inner)
        }
        if token.is(.operator, "#") || token.is(.operator, ".") {
            if depth > 0 {
                if token.is(.operator, "#") { next() }
                return parsePostfix(Node(.pointer, at: token.location))
            }
            fail("cannot use pointer accessor outside closure")
        }
        return parsePrimaryExpression()
    }

    private mutating func parseConditional(_ condition: Node) -> Node {
        var node = condition
        while current.is(.operator, "?"), error == nil {
            next()
            let yes: Node
            let no: Node
            if !current.is(.operator, ":") {
                yes = parseExpression(0)
                expect(.operator, ":")
                no = parseExpression(0)
            } else {
                next()
                yes = node
                no = parseExpression(0)
            }
            // expr leaves the conditional without a position of its own.
            node = Node(.conditional(node, yes, no), at: SourceLocation(line: 0, column: 0))
            checkHeight(node)
        }
        return node
    }

    private mutating func parsePrimaryExpression() -> Node {
        let token = current
        let node: Node
        switch token.kind {
        case .identifier:
            next()
            switch token.value {
            case "true": return Node(.bool(true), at: token.location)
            case "false": return Node(.bool(false), at: token.location)
            case "nil": return Node(.null, at: token.location)
            default: node = parseIdentifier(token)
            }
        case .number:
            next()
            return number(token)
        case .string:
            next()
            return Node(.string(token.value), at: token.location)
        default:
            if token.is(.bracket, "[") {
                node = parseArray(token)
            } else if token.is(.bracket, "{") {
                node = parseMap(token)
            } else {
                fail("unexpected token \(token.goDescription)")
                node = Node(.null, at: token.location)
            }
        }
        return parsePostfix(node)
    }

    private mutating func number(_ token: Token) -> Node {
        let text = String(token.value.filter { $0 != "_" })
        if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            switch GoNumber.parseFloat(text) {
            case .success(let value): return Node(.float(value), at: token.location)
            case .failure(let reason):
                fail("invalid float literal: strconv.ParseFloat: parsing \(GoFormat.quote(text)): \(reason.message)")
                return Node(.float(0), at: token.location)
            }
        }
        switch GoNumber.parseInt(text, allowPrefix: text.contains("x")) {
        case .success(let value):
            return Node(.integer(value), at: token.location)
        case .failure(let reason):
            let kind = text.contains("x") ? "hex" : "integer"
            fail("invalid \(kind) literal: strconv.ParseInt: parsing \(GoFormat.quote(text)): \(reason.message)")
            return Node(.integer(0), at: token.location)
        }
    }

    private mutating func parseIdentifier(_ token: Token) -> Node {
        guard current.is(.bracket, "(") else { return Node(.identifier(token.value), at: token.location) }
        if let arity = Self.builtins[token.value] {
            expect(.bracket, "(")
            var arguments = [parseExpression(0)]
            if arity == 2 {
                expect(.operator, ",")
                arguments.append(parseClosure())
            }
            expect(.bracket, ")")
            return Node(.builtin(token.value, arguments), at: token.location)
        }
        return Node(.function(token.value, parseArguments()), at: token.location)
    }

    private mutating func parseClosure() -> Node {
        let token = current
        expect(.bracket, "{")
        depth += 1
        let body = parseExpression(0)
        depth -= 1
        expect(.bracket, "}")
        return Node(.closure(body), at: token.location)
    }

    private mutating func parseArray(_ token: Token) -> Node {
        var nodes: [Node] = []
        expect(.bracket, "[")
        while !current.is(.bracket, "]"), error == nil {
            if !nodes.isEmpty {
                expect(.operator, ",")
                if current.is(.bracket, "]") { break }
            }
            nodes.append(parseExpression(0))
        }
        expect(.bracket, "]")
        return Node(.array(nodes), at: token.location)
    }

    private mutating func parseMap(_ token: Token) -> Node {
        expect(.bracket, "{")
        var pairs: [(key: Node, value: Node)] = []
        while !current.is(.bracket, "}"), error == nil {
            if !pairs.isEmpty {
                expect(.operator, ",")
                if current.is(.bracket, "}") { break }
                if current.is(.operator, ",") { fail("unexpected token \(current.goDescription)") }
            }
            let key: Node
            if current.is(.number) || current.is(.string) || current.is(.identifier) {
                key = Node(.string(current.value), at: token.location)
                next()
            } else if current.is(.bracket, "(") {
                key = parseExpression(0)
            } else {
                fail(
                    "a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token \(current.goDescription))"
                )
                key = Node(.null, at: token.location)
            }
            expect(.operator, ":")
            pairs.append((key, parseExpression(0)))
        }
        expect(.bracket, "}")
        return Node(.map(pairs), at: token.location)
    }

    private mutating func parsePostfix(_ start: Node) -> Node {
        var node = start
        var token = current
        while token.is(.operator) || token.is(.bracket), error == nil {
            if token.value == "." {
                next()
                token = current
                next()
                if token.kind != .identifier && (token.kind != .operator || !Self.isValidIdentifier(token.value)) {
                    fail("expected name")
                }
                if current.is(.bracket, "(") {
                    node = Node(.method(node, token.value, parseArguments()), at: token.location)
                } else {
                    node = Node(.property(node, token.value), at: token.location)
                }
            } else if token.value == "[" {
                next()
                if current.is(.operator, ":") {
                    next()
                    var to: Node?
                    if !current.is(.bracket, "]") { to = parseExpression(0) }
                    node = Node(.slice(node, from: nil, to: to), at: token.location)
                    expect(.bracket, "]")
                } else {
                    let from = parseExpression(0)
                    if current.is(.operator, ":") {
                        next()
                        var to: Node?
                        if !current.is(.bracket, "]") { to = parseExpression(0) }
                        node = Node(.slice(node, from: from, to: to), at: token.location)
                    } else {
                        node = Node(.index(node, from), at: token.location)
                    }
                    expect(.bracket, "]")
                }
            } else {
                break
            }
            checkHeight(node)
            token = current
        }
        return node
    }

    private static func isValidIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, Lexer.isAlphabetic(first) else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy(Lexer.isAlphaNumeric)
    }

    private mutating func parseArguments() -> [Node] {
        expect(.bracket, "(")
        var nodes: [Node] = []
        while !current.is(.bracket, ")"), error == nil {
            if !nodes.isEmpty { expect(.operator, ",") }
            nodes.append(parseExpression(0))
        }
        expect(.bracket, ")")
        return nodes
    }
}
