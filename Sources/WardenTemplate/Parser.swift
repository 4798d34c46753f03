/// A parse failure, thrown out of the recursive descent and turned into a
/// ``TemplateError`` with Go's "template: NAME:LINE: ..." text.
struct ParseFailure: Error {
    let message: String
    let line: Int
    let pos: Int
}

/// Builds parse trees from tokens, following Go's text/template/parse: the
/// same grammar, the same checks (functions must exist, variables must be
/// declared) and the same messages.
struct Parser {
    private let name: String
    private let text: String
    private var tokens: [Token]
    private var index = 0
    private let functions: Set<String>
    private var vars: [String] = ["$"]
    private var rangeDepth = 0
    /// Parenthesized pipelines and control actions open around the token being read. This
    /// parser and the executor recurse once a level, so past ``maxNesting`` the template
    /// is refused: Go's text/template refuses parentheses past 10 000 ("max expression
    /// depth exceeded"), but 5 000 overflowed the stack of the fuzz build (debug,
    /// AddressSanitizer), as did 3 000 nested `{{if}}`. No format nests a tenth as deep.
    static let maxNesting = 200
    private var nesting = 0
    private var actionLine = 0
    /// Every tree the text defines: the main one under `name`, plus `define`s and `block`s.
    private(set) var trees: [String: [Node]] = [:]

    /// Parses `text` into the trees it defines, keyed by template name.
    static func parse(name: String, text: String, functions: Set<String>) throws -> [String: [Node]] {
        let tokens = Lexer.tokens(text, breakOK: !functions.contains("break"), continueOK: !functions.contains("continue"))
        var parser = Parser(name: name, text: text, tokens: tokens, functions: functions)
        try parser.parseTop()
        return parser.trees
    }

    private init(name: String, text: String, tokens: [Token], functions: Set<String>) {
        self.name = name
        self.text = text
        self.tokens = tokens
        self.functions = functions
    }

    // MARK: - Token stream

    private var current: Token { tokens[min(max(index - 1, 0), tokens.count - 1)] }

    private mutating func next() -> Token {
        let t = tokens[min(index, tokens.count - 1)]
        index += 1
        return t
    }

    private mutating func backup(_ n: Int = 1) { index -= n }

    private mutating func peek() -> Token {
        tokens[min(index, tokens.count - 1)]
    }

    private mutating func nextNonSpace() -> Token {
        var t = next()
        while t.kind == .space { t = next() }
        return t
    }

    private mutating func peekNonSpace() -> Token {
        let t = nextNonSpace()
        backup()
        return t
    }

    private func failure(_ message: String) -> ParseFailure {
        ParseFailure(message: message, line: current.line, pos: current.pos)
    }

    private func unexpected(_ token: Token, _ context: String) -> ParseFailure {
        if token.kind == .error {
            var extra = ""
            if actionLine != 0 && actionLine != token.line {
                extra = " in action started at \(name):\(actionLine)"
                if token.value.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
            }
            return failure("\(token.description)\(extra)")
        }
        return failure("unexpected \(token.description) in \(context)")
    }

    private mutating func expect(_ kind: Token.Kind, _ context: String) throws -> Token {
        let t = nextNonSpace()
        guard t.kind == kind else { throw unexpected(t, context) }
        return t
    }

    // MARK: - Templates

    private mutating func parseTop() throws {
        var root: [Node] = []
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let delimIndex = index
                _ = next()
                if nextNonSpace().kind == .keyword(.define) {
                    try parseDefinition()
                    continue
                }
                index = delimIndex
            }
            let n = try textOrAction()
            switch n {
            case .end, .elseNode: throw failure("unexpected \(n)")
            default: root.append(n)
            }
        }
        try add(name, root)
    }

    private mutating func add(_ treeName: String, _ nodes: [Node]) throws {
        if let existing = trees[treeName], !Template.isEmpty(existing) {
            if !Template.isEmpty(nodes) { throw failure("template: multiple definition of template \(goQuote(treeName))") }
            return
        }
        trees[treeName] = nodes
    }

    private mutating func parseDefinition() throws {
        let context = "define clause"
        let nameToken = nextNonSpace()
        guard nameToken.kind == .string || nameToken.kind == .rawString else { throw unexpected(nameToken, context) }
        let defined = try templateName(nameToken, context)
        _ = try expect(.rightDelim, context)
        let saved = vars
        vars = ["$"]
        defer { vars = saved }  // also when the body throws: an enclosing action pops to its own count
        let (list, end) = try itemList()
        guard case .end = end else { throw failure("unexpected \(end) in \(context)") }
        try add(defined, list)
    }

    private func templateName(_ token: Token, _ context: String) throws -> String {
        switch token.kind {
        case .string, .rawString:
            guard let s = goUnquote(token.value) else { throw failure("bad string syntax: \(token.value)") }
            return s
        default: throw unexpected(token, context)
        }
    }

    private mutating func itemList() throws -> ([Node], Node) {
        var list: [Node] = []
        while peekNonSpace().kind != .eof {
            let n = try textOrAction()
            switch n {
            case .end, .elseNode: return (list, n)
            default: list.append(n)
            }
        }
        throw failure("unexpected EOF")
    }

    private mutating func textOrAction() throws -> Node {
        let token = nextNonSpace()
        switch token.kind {
        case .text: return .text(pos: token.pos, token.value)
        case .leftDelim:
            actionLine = token.line
            defer { actionLine = 0 }
            return try action()
        default: throw unexpected(token, "input")
        }
    }

    private mutating func action() throws -> Node {
        let token = nextNonSpace()
        switch token.kind {
        case .keyword(.block): return try blockControl()
        case .keyword(.break): return try breakControl(token, "break")
        case .keyword(.continue): return try breakControl(token, "continue")
        case .keyword(.else): return try elseControl()
        case .keyword(.end): return .end(pos: try expect(.rightDelim, "end").pos)
        case .keyword(.if): return try control(.if, allowElseIf: true)
        case .keyword(.range): return try control(.range, allowElseIf: false)
        case .keyword(.template): return try templateControl()
        case .keyword(.with): return try control(.with, allowElseIf: false)
        default: break
        }
        backup()
        let t = peek()
        return .action(pos: t.pos, line: t.line, try pipeline("command", end: .rightDelim))
    }

    private mutating func breakControl(_ token: Token, _ word: String) throws -> Node {
        let t = nextNonSpace()
        guard t.kind == .rightDelim else { throw unexpected(t, "{{\(word)}}") }
        guard rangeDepth > 0 else { throw failure("{{\(word)}} outside {{range}}") }
        return word == "break" ? .breakNode(pos: token.pos, line: token.line) : .continueNode(pos: token.pos, line: token.line)
    }

    private mutating func elseControl() throws -> Node {
        let p = peekNonSpace()
        if p.kind == .keyword(.if) { return .elseNode(pos: p.pos, line: p.line) }
        let t = try expect(.rightDelim, "else")
        return .elseNode(pos: t.pos, line: t.line)
    }

    private mutating func control(_ keyword: Token.Keyword, allowElseIf: Bool) throws -> Node {
        guard nesting < Self.maxNesting else { throw failure("actions nest more than \(Self.maxNesting) deep") }
        nesting += 1
        defer { nesting -= 1 }
        let context = keyword.rawValue
        let savedVars = vars.count
        defer { vars.removeLast(vars.count - savedVars) }
        let pipe = try pipeline(context, end: .rightDelim)
        if keyword == .range { rangeDepth += 1 }
        var (list, next) = try itemList()
        if keyword == .range { rangeDepth -= 1 }
        var elseList: [Node]?
        if case .elseNode = next {
            if allowElseIf && peek().kind == .keyword(.if) {
                // {{else if ...}}: an if nested in the else branch, sharing this {{end}}.
                _ = self.next()
                elseList = [try control(.if, allowElseIf: true)]
            } else {
                let (otherList, otherNext) = try itemList()
                elseList = otherList
                next = otherNext
                guard case .end = next else { throw failure("expected end; found \(next)") }
            }
        }
        switch keyword {
        case .if: return .ifNode(pos: pipe.pos, line: pipe.line, pipe, list, elseList)
        case .range: return .rangeNode(pos: pipe.pos, line: pipe.line, pipe, list, elseList)
        default: return .withNode(pos: pipe.pos, line: pipe.line, pipe, list, elseList)
        }
    }

    private mutating func blockControl() throws -> Node {
        guard nesting < Self.maxNesting else { throw failure("actions nest more than \(Self.maxNesting) deep") }
        nesting += 1
        defer { nesting -= 1 }
        let context = "block clause"
        let token = nextNonSpace()
        let blockName = try templateName(token, context)
        let pipe = try pipeline(context, end: .rightDelim)
        let saved = vars
        vars = ["$"]
        let (list, end): ([Node], Node)
        do {
            defer { vars = saved }  // also when the body throws: an enclosing action pops to its own count
            (list, end) = try itemList()
        }
        guard case .end = end else { throw failure("unexpected \(end) in \(context)") }
        try add(blockName, list)
        return .template(pos: token.pos, line: token.line, name: blockName, pipe)
    }

    private mutating func templateControl() throws -> Node {
        let context = "template clause"
        let token = nextNonSpace()
        let templateName = try templateName(token, context)
        var pipe: Pipe?
        if nextNonSpace().kind != .rightDelim {
            backup()
            pipe = try pipeline(context, end: .rightDelim)
        }
        return .template(pos: token.pos, line: token.line, name: templateName, pipe)
    }

    // MARK: - Pipelines

    private mutating func pipeline(_ context: String, end: Token.Kind) throws -> Pipe {
        let token = peekNonSpace()
        let pipe = Pipe(pos: token.pos, line: token.line)
        decls: while true {
            let v = peekNonSpace()
            guard v.kind == .variable else { break }
            let variableIndex = index
            _ = next()
            let following = peekNonSpace()
            switch following.kind {
            case .assign, .declare:
                pipe.isAssign = following.kind == .assign
                _ = nextNonSpace()
                pipe.declarations.append(.variable(pos: v.pos, [v.value]))
                vars.append(v.value)
            case .char where following.value == ",":
                _ = nextNonSpace()
                pipe.declarations.append(.variable(pos: v.pos, [v.value]))
                vars.append(v.value)
                if context == "range" && pipe.declarations.count < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen: continue decls
                    default: throw failure("range can only initialize variables")
                    }
                }
                throw failure("too many declarations in \(context)")
            default:
                // Not a declaration: the variable is the pipeline's first operand.
                index = variableIndex
            }
            break
        }
        while true {
            let token = nextNonSpace()
            switch token.kind {
            case end:
                try checkPipeline(pipe, context)
                return pipe
            case .bool, .charConstant, .dot, .field, .identifier, .number, .keyword(.nil), .rawString, .string, .variable, .leftParen:
                backup()
                pipe.commands.append(try command())
            default:
                throw unexpected(token, context)
            }
        }
    }

    private func checkPipeline(_ pipe: Pipe, _ context: String) throws {
        guard !pipe.commands.isEmpty else { throw failure("missing value for \(context)") }
        for (i, c) in pipe.commands.enumerated().dropFirst() {
            switch c.args[0] {
            case .bool, .dot, .nilNode, .number, .string: throw failure("non executable command in pipeline stage \(i + 1)")
            default: break
            }
        }
    }

    private mutating func command() throws -> Command {
        let cmd = Command(pos: peekNonSpace().pos)
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { cmd.args.append(operand) }
            let token = next()
            switch token.kind {
            case .space: continue
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw unexpected(token, "operand")
            }
            break
        }
        guard !cmd.args.isEmpty else { throw failure("empty command") }
        return cmd
    }

    private mutating func operand() throws -> Node? {
        guard let node = try term() else { return nil }
        guard peek().kind == .field else { return node }
        let chainPos = peek().pos
        var fields: [String] = []
        while peek().kind == .field { fields.append(String(next().value.dropFirst())) }
        switch node {
        case .field(_, let idents): return .field(pos: chainPos, idents + fields)
        case .variable(_, let idents): return .variable(pos: chainPos, idents + fields)
        case .bool, .string, .number, .nilNode, .dot: throw failure("unexpected . after term \(goQuote(node.description))")
        default: return .chain(pos: chainPos, node, fields)
        }
    }

    private mutating func term() throws -> Node? {
        let token = nextNonSpace()
        switch token.kind {
        case .identifier:
            guard functions.contains(token.value) else { throw failure("function \(goQuote(token.value)) not defined") }
            return .identifier(pos: token.pos, token.value)
        case .dot: return .dot(pos: token.pos)
        case .keyword(.nil): return .nilNode(pos: token.pos)
        case .variable:
            guard vars.contains(token.value) else { throw failure("undefined variable \(goQuote(token.value))") }
            return .variable(pos: token.pos, [token.value])
        case .field: return .field(pos: token.pos, [String(token.value.dropFirst())])
        case .bool: return .bool(pos: token.pos, token.value == "true")
        case .charConstant, .number: return .number(pos: token.pos, try number(token))
        case .leftParen:
            guard nesting < Self.maxNesting else { throw failure("max expression depth exceeded") }
            nesting += 1
            defer { nesting -= 1 }
            let pipe = try pipeline("parenthesized pipeline", end: .rightParen)
            return .pipe(pipe)
        case .string, .rawString:
            guard let s = goUnquote(token.value) else { throw failure("invalid syntax") }
            return .string(pos: token.pos, quoted: token.value, s)
        default:
            backup()
            return nil
        }
    }

    private func number(_ token: Token) throws -> Number {
        let text = token.value
        if token.kind == .charConstant {
            guard let s = goUnquote("\"" + text.dropFirst().dropLast() + "\""), let scalar = s.unicodeScalars.first else {
                throw failure("malformed character constant: \(text)")
            }
            return Number(text: text, int: Int64(scalar.value), float: Double(scalar.value))
        }
        let clean = text.replacing("_", with: "")
        var int: Int64?
        var body = Substring(clean)
        var negative = false
        if body.hasPrefix("-") { negative = true; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            int = Int64(body.dropFirst(2), radix: 16).map { negative ? -$0 : $0 }
        } else if body.count > 1, body.hasPrefix("0"), body.allSatisfy(\.isNumber) {
            int = Int64(body.dropFirst(), radix: 8).map { negative ? -$0 : $0 }
        } else {
            int = Int64(body).map { negative ? -$0 : $0 }
        }
        var float = Double(clean)
        if float != nil, !clean.contains(where: { ".eEpP".contains($0) }), int == nil, !(body.hasPrefix("0x") || body.hasPrefix("0X")) {
            throw failure("integer overflow: \(goQuote(text))")
        }
        if int == nil, let f = float, f.rounded() == f, abs(f) < 9.2e18 { int = Int64(f) }
        if float == nil, let i = int { float = Double(i) }
        guard int != nil || float != nil else { throw failure("illegal number syntax: \(goQuote(text))") }
        return Number(text: text, int: int, float: float)
    }
}

/// Go's `strconv.Unquote` for "..." and `...` strings.
func goUnquote(_ quoted: String) -> String? {
    guard let first = quoted.first, quoted.count >= 2, quoted.last == first else { return nil }
    let body = quoted.dropFirst().dropLast()
    if first == "`" { return body.contains("`") ? nil : String(body).replacing("\r", with: "") }
    guard first == "\"" else { return nil }
    var out = String.UnicodeScalarView()
    var it = body.unicodeScalars.makeIterator()
    func hexValue(_ n: Int) -> UInt32? {
        var v: UInt32 = 0
        for _ in 0..<n {
            guard let c = it.next(), let d = c.properties.numericType != nil ? UInt32(String(c)) : UInt32(String(c), radix: 16) else { return nil }
            v = v * 16 + d
        }
        return v
    }
    while let c = it.next() {
        guard c == "\\" else {
            if c == "\"" || c == "\n" { return nil }
            out.append(c)
            continue
        }
        guard let e = it.next() else { return nil }
        switch e {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        case "a": out.append("\u{07}")
        case "b": out.append("\u{08}")
        case "f": out.append("\u{0C}")
        case "v": out.append("\u{0B}")
        case "\\": out.append("\\")
        case "\"": out.append("\"")
        case "'": return nil
        case "x":
            guard let v = hexValue(2), let s = Unicode.Scalar(v) else { return nil }
            out.append(s)
        case "u":
            guard let v = hexValue(4), let s = Unicode.Scalar(v) else { return nil }
            out.append(s)
        case "U":
            guard let v = hexValue(8), let s = Unicode.Scalar(v) else { return nil }
            out.append(s)
        case "0"..."7":
            var v = e.value - 0x30
            for _ in 0..<2 {
                guard let d = it.next(), ("0"..."7").contains(d) else { return nil }
                v = v * 8 + d.value - 0x30
            }
            guard v < 256, let s = Unicode.Scalar(v) else { return nil }
            out.append(s)
        default: return nil
        }
    }
    return String(out)
}
