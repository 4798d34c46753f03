/// expr's optimizer passes, kept because they change results, not just speed:
/// literal arrays become `[]int`/`[]string`, `x in ["a"]` becomes a map lookup
/// (so a non-string needle fails), `1 / 0` fails at compile time, and integer
/// literals fold (`2 ** 3` is a float64 constant).
enum Optimizer {
    static func optimize(_ root: Node, source: String) throws(ExprError) {
        walk(root, inArray)
        for _ in 0...1000 {
            var applied = false
            var failure: (String, SourceLocation)?
            walk(root) { node in
                if failure == nil, let outcome = fold(node) {
                    switch outcome {
                    case .success: applied = true
                    case .failure(let message): failure = (message, node.location)
                    }
                }
            }
            if let (message, location) = failure { throw ExprError(.compile, message, at: location, in: source) }
            if !applied { break }
        }
        walk(root, inRange)
        walk(root, constantRange)
    }

    /// Visits children first, then the node (expr's Walk calls Exit after the children).
    private static func walk(_ node: Node, _ exit: (Node) -> Void) {
        switch node.kind {
        case .unary(_, let a), .property(let a, _), .closure(let a): walk(a, exit)
        case .binary(_, let a, let b), .matches(let a, let b, _), .index(let a, let b):
            walk(a, exit)
            walk(b, exit)
        case .slice(_, let from, let to):
            // expr's walker skips the sliced operand, so `[1, 2][1:]` stays `[]interface {}`.
            if let from { walk(from, exit) }
            if let to { walk(to, exit) }
        case .method(let a, _, let arguments):
            walk(a, exit)
            arguments.forEach { walk($0, exit) }
        case .function(_, let arguments), .builtin(_, let arguments), .array(let arguments):
            arguments.forEach { walk($0, exit) }
        case .conditional(let a, let b, let c):
            walk(a, exit)
            walk(b, exit)
            walk(c, exit)
        case .map(let pairs):
            for pair in pairs {
                walk(pair.key, exit)
                walk(pair.value, exit)
            }
        default: break
        }
        exit(node)
    }

    private static func inArray(_ node: Node) {
        guard case .binary(let op, let left, let right) = node.kind, op == "in" || op == "not in",
            case .array(let items) = right.kind, !items.isEmpty
        else { return }
        if left.type == .intType {
            let ints = items.compactMap { item -> Int64? in
                if case .integer(let v) = item.kind { return v }
                return nil
            }
            if ints.count == items.count {
                node.kind = .binary(op, left, Node(.intSet(Set(ints)), at: right.location))
                return
            }
        }
        let strings = items.compactMap { item -> String? in
            if case .string(let v) = item.kind { return v }
            return nil
        }
        if strings.count == items.count {
            node.kind = .binary(op, left, Node(.stringSet(Set(strings)), at: right.location))
        }
    }

    private enum Folded {
        case success
        case failure(String)
    }

    private static func fold(_ node: Node) -> Folded? {
        switch node.kind {
        case .unary(let op, let operand):
            guard op == "-" || op == "+", case .integer(let v) = operand.kind else { return nil }
            node.kind = .integer(op == "-" ? 0 &- v : v)
            return .success
        case .binary(let op, let left, let right):
            if case .string(let a) = left.kind, case .string(let b) = right.kind, op == "+" {
                node.kind = .string(a + b)
                return .success
            }
            guard case .integer(let a) = left.kind, case .integer(let b) = right.kind else { return nil }
            switch op {
            case "+": node.kind = .integer(a &+ b)
            case "-": node.kind = .integer(a &- b)
            case "*": node.kind = .integer(a &* b)
            case "/", "%":
                if b == 0 { return .failure("integer divide by zero") }
                // Go's MinInt64 / -1 wraps to MinInt64 (and % to 0) instead of trapping.
                if b == -1 {
                    node.kind = .integer(op == "/" ? 0 &- a : 0)
                } else {
                    node.kind = .integer(op == "/" ? a / b : a % b)
                }
            case "**": node.kind = .float(GoMath.pow(Double(a), Double(b)))
            default: return nil
            }
            return .success
        case .array(let items) where !items.isEmpty:
            var ints: [Value] = []
            var strings: [Value] = []
            for item in items {
                if case .integer(let v) = item.kind { ints.append(.int(v, .int)) }
                if case .string(let v) = item.kind { strings.append(.string(v)) }
            }
            if ints.count == items.count {
                node.kind = .constant(.array(ints, of: .intType))
            } else if strings.count == items.count {
                node.kind = .constant(.array(strings, of: .string))
            } else {
                return nil
            }
            return .success
        default:
            return nil
        }
    }

    private static func inRange(_ node: Node) {
        guard case .binary(let op, let left, let right) = node.kind, op == "in" || op == "not in",
            case .binary("..", let from, let to) = right.kind, case .integer = from.kind, case .integer = to.kind
        else { return }
        let test = Node(
            .binary(
                "and", Node(.binary(">=", left, from), at: SourceLocation(line: 0, column: 0)),
                Node(.binary("<=", left, to), at: SourceLocation(line: 0, column: 0))),
            at: SourceLocation(line: 0, column: 0))
        node.kind = op == "in" ? test.kind : .unary("not", test)
    }

    private static func constantRange(_ node: Node) {
        guard case .binary("..", let from, let to) = node.kind, case .integer(let a) = from.kind,
            case .integer(let b) = to.kind
        else { return }
        let size = b &- a &+ 1
        // A negative size makes expr's make() panic inside Compile; leave that range to run time.
        guard size >= 0, size <= 1_000_000 else { return }
        node.kind = .constant(.array((0..<size).map { .int(a &+ $0, .int) }, of: .intType))
    }
}
