/// The compile-time checks of expr's checker: every name, field, method and
/// function must exist in the environment, operands must suit their operators,
/// and calls must match signatures. Records each node's type for the optimizer.
struct Checker {
    private let environment: Environment
    private var collections: [ExprType] = []
    private var error: (String, SourceLocation)?

    /// Checks `node` and returns its type, or throws the first error found.
    static func check(_ node: Node, in environment: Environment, source: String) throws(ExprError) -> ExprType {
        var checker = Checker(environment: environment)
        let type = checker.visit(node)
        if let (message, location) = checker.error {
            throw ExprError(.compile, message, at: location, in: source)
        }
        return type
    }

    private init(environment: Environment) {
        self.environment = environment
    }

    private mutating func fail(_ node: Node, _ message: String) -> ExprType {
        if error == nil { error = (message, node.location) }
        return .interface
    }

    @discardableResult
    private mutating func visit(_ node: Node) -> ExprType {
        let type = visitKind(node)
        node.type = type
        return type
    }

    private mutating func visitKind(_ node: Node) -> ExprType {
        switch node.kind {
        case .null: return .null
        case .identifier(let name):
            if let type = environment.type(of: name) { return type }
            return fail(node, "unknown name \(name)")
        case .integer: return .intType
        case .float: return .float64
        case .bool: return .bool
        case .string: return .string
        case .constant(let value): return value.type
        case .unary(let op, let operand): return unary(node, op, visit(operand))
        case .binary(let op, let left, let right): return binary(node, op, visit(left), visit(right))
        case .matches(let left, let right, _):
            let (l, r) = (visit(left), visit(right))
            if l.isString && r.isString { return .bool }
            return fail(node, "invalid operation: matches (mismatched types \(l) and \(r))")
        case .property(let base, let name):
            let t = visit(base)
            if let field = Self.fieldType(t, name) { return field }
            return fail(node, "type \(t) has no field \(name)")
        case .index(let base, let index):
            let t = visit(base)
            let i = visit(index)
            guard let element = t.elementType else {
                return fail(node, "invalid operation: type \(t) does not support indexing")
            }
            if !i.isInteger && !i.isString {
                return fail(node, "invalid operation: cannot use \(i) as index to \(element)")
            }
            return element
        case .slice(let base, let from, let to):
            let t = visit(base)
            guard t.elementType != nil || t.isString else { return fail(node, "invalid operation: cannot slice \(t)") }
            for bound in [from, to].compactMap({ $0 }) {
                let b = visit(bound)
                if !b.isInteger { return fail(bound, "invalid operation: non-integer slice index \(b)") }
            }
            return t
        case .method(let base, let name, let arguments):
            let t = visit(base)
            switch Self.methodType(t, name)?.dereferenced {
            case .function(let signature)?: return checkCall(node, signature, name, arguments)
            case .interface?: return .interface
            default: return fail(node, "type \(t) has no method \(name)")
            }
        case .function(let name, let arguments):
            if let type = environment.type(of: name) {
                switch type.dereferenced {
                case .function(let signature): return checkCall(node, signature, name, arguments)
                case .interface: return .interface
                default: break
                }
            }
            return fail(node, "unknown func \(name)")
        case .builtin(let name, let arguments): return builtin(node, name, arguments)
        case .closure(let body):
            return .function(Signature([.interface], returns: visit(body)))
        case .pointer:
            guard let collection = collections.last else {
                return fail(node, "cannot use pointer accessor outside closure")
            }
            if let element = collection.elementType { return element }
            return fail(node, "cannot use \(collection) as array")
        case .conditional(let condition, let yes, let no):
            let c = visit(condition)
            if !c.isBool { return fail(condition, "non-bool expression (type \(c)) used as condition") }
            let (t1, t2) = (visit(yes), visit(no))
            if t1 == .null && t2 == .null { return .null }
            if t1 == .null { return t2 }
            if t2 == .null { return t1 }
            return t1.isAssignable(to: t2) ? t1 : .interface
        case .array(let nodes):
            nodes.forEach { visit($0) }
            return .arrayOfAny
        case .map(let pairs):
            for pair in pairs {
                visit(pair.key)
                visit(pair.value)
            }
            return .mapOfAny
        case .intSet, .stringSet:
            return .interface
        }
    }

    private mutating func unary(_ node: Node, _ op: String, _ t: ExprType) -> ExprType {
        switch op {
        case "!", "not": if t.isBool { return .bool }
        default: if t.isNumber { return t }
        }
        return fail(node, "invalid operation: \(op) (mismatched type \(t))")
    }

    private mutating func binary(_ node: Node, _ op: String, _ l: ExprType, _ r: ExprType) -> ExprType {
        switch op {
        case "==", "!=":
            if l.isNumber && r.isNumber || Self.isComparable(l, r) { return .bool }
        case "or", "||", "and", "&&":
            if l.isBool && r.isBool { return .bool }
        case "in", "not in":
            if l.isString && r.isStruct || r.isMap || r.isArray { return .bool }
        case "<", ">", ">=", "<=":
            if l.isNumber && r.isNumber || l.isString && r.isString { return .bool }
        case "/", "-", "*":
            if l.isNumber && r.isNumber { return .combined(l, r) }
        case "**":
            if l.isNumber && r.isNumber { return .float64 }
        case "%":
            if l.isInteger && r.isInteger { return .combined(l, r) }
        case "+":
            if l.isNumber && r.isNumber { return .combined(l, r) }
            if l.isString && r.isString { return .string }
        case "contains", "startsWith", "endsWith":
            if l.isString && r.isString { return .bool }
        case "..":
            if l.isInteger && r.isInteger { return .slice(.intType) }
        default:
            return fail(node, "unknown operator (\(op))")
        }
        return fail(node, "invalid operation: \(op) (mismatched types \(l) and \(r))")
    }

    private mutating func builtin(_ node: Node, _ name: String, _ arguments: [Node]) -> ExprType {
        if name == "len" {
            let t = visit(arguments[0])
            if t.isArray || t.isMap || t.isString { return .intType }
            return fail(node, "invalid argument for len (type \(t))")
        }
        let collection = visit(arguments[0])
        if !collection.isArray {
            return fail(arguments[0], "builtin \(name) takes only array (got \(collection))")
        }
        collections.append(collection)
        let closure = visit(arguments[1])
        collections.removeLast()
        guard case .function(let signature) = closure, signature.parameters == [.interface] else {
            return fail(arguments[1], "closure should has one input and one output param")
        }
        let output = signature.result
        if name != "map" && !output.isBool {
            return fail(arguments[1], "closure should return boolean (got \(output))")
        }
        switch name {
        case "filter":
            if collection.isInterface { return .arrayOfAny }
            return .slice(collection.dereferenced.elementType ?? .interface)
        case "map": return .slice(output)
        case "count": return .intType
        default: return .bool
        }
    }

    /// Checks a call's arguments against `signature`, as expr's checkFunc does (an
    /// integer literal or arithmetic argument takes the parameter's type).
    private mutating func checkCall(_ node: Node, _ signature: Signature, _ name: String, _ arguments: [Node])
        -> ExprType
    {
        let count = signature.parameters.count
        if signature.isVariadic {
            if arguments.count < count - 1 { return fail(node, "not enough arguments to call \(name)") }
        } else {
            if arguments.count > count { return fail(node, "too many arguments to call \(name)") }
            if arguments.count < count { return fail(node, "not enough arguments to call \(name)") }
        }
        for (i, argument) in arguments.enumerated() {
            var t = visit(argument)
            let parameter = signature.parameters[min(i, count - 1)]
            if Self.isIntegerOrArithmetic(argument) { t = parameter }
            if t == .null { continue }
            if !t.isAssignable(to: parameter) && t != .interface {
                return fail(argument, "cannot use \(t) as argument (type \(parameter)) to call \(name) ")
            }
        }
        return signature.result
    }

    private static func isIntegerOrArithmetic(_ node: Node) -> Bool {
        switch node.kind {
        case .integer: return true
        case .unary(let op, _): return op == "+" || op == "-"
        case .binary(let op, _, _): return ["+", "/", "-", "*"].contains(op)
        default: return false
        }
    }

    static func isComparable(_ l: ExprType, _ r: ExprType) -> Bool {
        let (l, r) = (l.dereferenced, r.dereferenced)
        if l == .null || r == .null { return true }
        if l.kindName == r.kindName { return true }
        return l == .interface || r == .interface
    }

    static func fieldType(_ t: ExprType, _ name: String) -> ExprType? {
        switch t.dereferenced {
        case .interface: return .interface
        case .object(let host): return host.field(name)
        case .map(let value): return value
        default: return nil
        }
    }

    /// A method's type: its signature, or `interface {}` when the receiver is
    /// `interface {}` or a map (expr lets those through to run time).
    static func methodType(_ t: ExprType, _ name: String) -> ExprType? {
        switch t.dereferenced {
        case .interface: return .interface
        case .object(let host):
            if let signature = host.method(name) { return .function(signature) }
            return host.field(name)
        case .map(let value): return value
        case .int(.duration): return Duration.methods[name].map(ExprType.function)
        default: return nil
        }
    }
}
