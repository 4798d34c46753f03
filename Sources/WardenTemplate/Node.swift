/// The parse tree of a template, node for node as Go's text/template/parse
/// builds it; `description` prints a node as Go does in "at <...>" contexts.
indirect enum Node: CustomStringConvertible, Sendable {
    case text(pos: Int, String)
    case action(pos: Int, line: Int, Pipe)
    case comment(pos: Int)
    case list(pos: Int, [Node])
    case ifNode(pos: Int, line: Int, Pipe, [Node], [Node]?)
    case rangeNode(pos: Int, line: Int, Pipe, [Node], [Node]?)
    case withNode(pos: Int, line: Int, Pipe, [Node], [Node]?)
    case template(pos: Int, line: Int, name: String, Pipe?)
    case breakNode(pos: Int, line: Int)
    case continueNode(pos: Int, line: Int)
    // Operands.
    case field(pos: Int, [String])
    case variable(pos: Int, [String])
    case chain(pos: Int, Node, [String])
    case identifier(pos: Int, String)
    case dot(pos: Int)
    case nilNode(pos: Int)
    case bool(pos: Int, Bool)
    case number(pos: Int, Number)
    case string(pos: Int, quoted: String, String)
    case pipe(Pipe)
    case command(Command)
    // Markers the parser returns from item lists.
    case end(pos: Int)
    case elseNode(pos: Int, line: Int)

    var pos: Int {
        switch self {
        case .text(let p, _), .action(let p, _, _), .comment(let p), .list(let p, _), .ifNode(let p, _, _, _, _),
             .rangeNode(let p, _, _, _, _), .withNode(let p, _, _, _, _), .template(let p, _, _, _), .breakNode(let p, _),
             .continueNode(let p, _), .field(let p, _), .variable(let p, _), .chain(let p, _, _), .identifier(let p, _),
             .dot(let p), .nilNode(let p), .bool(let p, _), .number(let p, _), .string(let p, _, _), .end(let p),
             .elseNode(let p, _):
            return p
        case .pipe(let p): return p.pos
        case .command(let c): return c.pos
        }
    }

    var description: String {
        switch self {
        case .text(_, let s): return goQuote(s)
        case .action(_, _, let p): return "{{\(p)}}"
        case .comment: return "{{/* */}}"
        case .list(_, let nodes): return nodes.map(\.description).joined()
        case .ifNode(_, _, let p, let l, let e): return "{{if \(p)}}" + Node.list(pos: 0, l).description + (e.map { "{{else}}" + Node.list(pos: 0, $0).description } ?? "") + "{{end}}"
        case .rangeNode(_, _, let p, let l, let e): return "{{range \(p)}}" + Node.list(pos: 0, l).description + (e.map { "{{else}}" + Node.list(pos: 0, $0).description } ?? "") + "{{end}}"
        case .withNode(_, _, let p, let l, let e): return "{{with \(p)}}" + Node.list(pos: 0, l).description + (e.map { "{{else}}" + Node.list(pos: 0, $0).description } ?? "") + "{{end}}"
        case .template(_, _, let name, let p): return "{{template \(goQuote(name))" + (p.map { " \($0)" } ?? "") + "}}"
        case .breakNode: return "{{break}}"
        case .continueNode: return "{{continue}}"
        case .field(_, let idents): return idents.map { "." + $0 }.joined()
        case .variable(_, let idents): return idents.joined(separator: ".")
        case .chain(_, let node, let fields):
            let inner: String
            if case .pipe = node { inner = "(\(node))" } else { inner = node.description }
            return inner + fields.map { "." + $0 }.joined()
        case .identifier(_, let name): return name
        case .dot: return "."
        case .nilNode: return "nil"
        case .bool(_, let b): return b ? "true" : "false"
        case .number(_, let n): return n.text
        case .string(_, let quoted, _): return quoted
        case .pipe(let p): return p.description
        case .command(let c): return c.description
        case .end: return "{{end}}"
        case .elseNode: return "{{else}}"
        }
    }
}

/// A pipeline: optional variable declarations, then commands joined by `|`.
/// Built by the parser, never changed after parsing: safe to share.
final class Pipe: CustomStringConvertible, @unchecked Sendable {
    let pos: Int
    let line: Int
    var isAssign = false
    var declarations: [Node] = []
    var commands: [Command] = []

    init(pos: Int, line: Int) {
        self.pos = pos
        self.line = line
    }

    var description: String {
        var s = ""
        if !declarations.isEmpty {
            s = declarations.map(\.description).joined(separator: ", ") + (isAssign ? " = " : " := ")
        }
        return s + commands.map(\.description).joined(separator: " | ")
    }
}

/// One command of a pipeline: a function, field or value and its arguments.
/// Built by the parser, never changed after parsing: safe to share.
final class Command: CustomStringConvertible, @unchecked Sendable {
    let pos: Int
    var args: [Node] = []

    init(pos: Int) { self.pos = pos }

    var description: String {
        args.map { arg -> String in
            if case .pipe = arg { return "(\(arg))" }
            return arg.description
        }.joined(separator: " ")
    }
}

/// A numeric constant as the template wrote it, with the Go kinds it can be.
struct Number: Sendable {
    let text: String
    let int: Int64?
    let float: Double?
}
