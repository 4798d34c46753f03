/// Runs a checked and optimised tree over the values of one run. Run-time
/// failures carry the failing node's position and Go's wording (expr turns
/// Go panics into errors: `interface conversion: interface {} is int, not bool`).
struct Evaluator {
    let environment: Environment
    let variables: [String: Value]
    /// The elements of the closures being evaluated (innermost last), for `#`.
    private var elements: [Value] = []

    init(environment: Environment, variables: [String: Value]) {
        self.environment = environment
        self.variables = variables
    }

    struct Failure: Error {
        var message: String
        var location: SourceLocation
    }

    mutating func evaluate(_ node: Node) throws(Failure) -> Value {
        do {
            return try value(of: node)
        } catch let error as FailureAt {
            throw Failure(message: error.message, location: error.location)
        } catch {
            throw Failure(message: "\(error)", location: node.location)
        }
    }

    /// A failure already positioned at the node that raised it.
    private struct FailureAt: Error {
        var message: String
        var location: SourceLocation
    }

    private func at(_ node: Node, _ body: () throws(FunctionError) -> Value) throws -> Value {
        do {
            return try body()
        } catch {
            throw FailureAt(message: error.message, location: node.location)
        }
    }

    private func bool(_ value: Value, _ node: Node) throws -> Bool {
        if case .bool(let b) = value { return b }
        throw FailureAt(
            message: "interface conversion: interface {} is \(value.conversionName), not bool", location: node.location)
    }

    private func string(_ value: Value, _ node: Node) throws -> String {
        if case .string(let s) = value { return s }
        throw FailureAt(
            message: "interface conversion: interface {} is \(value.conversionName), not string",
            location: node.location)
    }

    private mutating func value(of node: Node) throws -> Value {
        switch node.kind {
        case .null: return .null
        case .identifier(let name):
            if let value = variables[name] { return value }
            if let function = environment.functions[name] { return .function(function) }
            return .null
        case .integer(let v): return .int(v, .int)
        case .float(let v): return .float(v)
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        case .constant(let v): return v
        case .intSet, .stringSet: return .null
        case .unary(let op, let operand):
            let v = try value(of: operand)
            switch op {
            case "!", "not": return .bool(!(try bool(v, node)))
            case "-": return try at(node) { () throws(FunctionError) in try Arithmetic.negate(v) }
            default: return v
            }
        case .binary(let op, let left, let right):
            return try binary(node, op, left, right)
        case .matches(let left, let right, let regex):
            let l = try value(of: left)
            if let regex { return .bool(regex.matches(try string(l, node))) }
            let r = try value(of: right)
            let pattern = try string(r, node)
            let subject = try string(l, node)
            do {
                return .bool(try CompiledRegex(pattern).matches(subject))
            } catch {
                throw FailureAt(message: error.message, location: node.location)
            }
        case .property(let base, let name):
            let b = try value(of: base)
            return try at(node) { () throws(FunctionError) in try Access.fetch(b, .string(name)) }
        case .index(let base, let index):
            let b = try value(of: base)
            let i = try value(of: index)
            return try at(node) { () throws(FunctionError) in try Access.fetch(b, i) }
        case .slice(let base, let from, let to):
            let b = try value(of: base)
            let t = try to.map { try value(of: $0) }
            let f = try from.map { try value(of: $0) }
            return try at(node) { () throws(FunctionError) in try Access.slice(b, from: f, to: t) }
        case .method(let base, let name, let arguments):
            let receiver = try value(of: base)
            let values = try arguments.map { try value(of: $0) }
            return try at(node) { () throws(FunctionError) in try Access.callMethod(receiver, name, values) }
        case .function(let name, let arguments):
            let values = try arguments.map { try value(of: $0) }
            guard let function = environment.functions[name] else {
                throw FailureAt(message: "cannot get \"\(name)\" from map[string]interface {}", location: node.location)
            }
            return try at(node) { () throws(FunctionError) in try Access.call(function, values) }
        case .builtin(let name, let arguments):
            return try builtin(node, name, arguments)
        case .closure(let body):
            return try value(of: body)
        case .pointer:
            return elements.last ?? .null
        case .conditional(let condition, let yes, let no):
            let c = try value(of: condition)
            return try bool(c, node) ? try value(of: yes) : try value(of: no)
        case .array(let nodes):
            return .array(try nodes.map { try value(of: $0) }, of: .interface)
        case .map(let pairs):
            var map: [String: Value] = [:]
            for pair in pairs {
                let key = try value(of: pair.key)
                let v = try value(of: pair.value)
                map[try string(key, node)] = v
            }
            return .map(map, .interface)
        }
    }

    private mutating func binary(_ node: Node, _ op: String, _ left: Node, _ right: Node) throws -> Value {
        let l = try value(of: left)
        switch op {
        case "and", "&&":
            guard try bool(l, node) else { return l }
            return try value(of: right)
        case "or", "||":
            if try bool(l, node) { return l }
            return try value(of: right)
        case "in", "not in":
            let found: Bool
            switch right.kind {
            case .intSet(let set):
                guard case .int(let v, .int) = l else {
                    throw FailureAt(message: Access.mapIndexMismatch(l, "int"), location: node.location)
                }
                found = set.contains(v)
            case .stringSet(let set):
                guard case .string(let v) = l else {
                    throw FailureAt(message: Access.mapIndexMismatch(l, "string"), location: node.location)
                }
                found = set.contains(v)
            default:
                let r = try value(of: right)
                found = try at(node) { () throws(FunctionError) in .bool(try Access.contains(r, l)) }.asBool
            }
            return .bool(op == "in" ? found : !found)
        default: break
        }
        let r = try value(of: right)
        switch op {
        case "==": return .bool(Arithmetic.equal(l, r))
        case "!=": return .bool(!Arithmetic.equal(l, r))
        case "<", ">", "<=", ">=":
            return try at(node) { () throws(FunctionError) in .bool(try Arithmetic.compare(op, l, r)) }
        case "**": return try at(node) { () throws(FunctionError) in try Arithmetic.power(l, r) }
        case "contains", "startsWith", "endsWith":
            let a = try string(l, node)
            let b = try string(r, node)
            let (x, y) = (Array(a.utf8), Array(b.utf8))
            switch op {
            case "contains": return .bool(y.isEmpty || x.firstRange(of: y) != nil)
            case "startsWith": return .bool(x.starts(with: y))
            default: return .bool(x.reversed().starts(with: y.reversed()))
            }
        case "..":
            return try at(node) { () throws(FunctionError) in
                let (a, b) = (try Arithmetic.toInt(l), try Arithmetic.toInt(r))
                let size = b &- a &+ 1
                guard size >= 0 else { throw FunctionError("runtime error: makeslice: len out of range") }
                guard size < 1_000_000 else { throw FunctionError("memory budget exceeded") }
                return .array((0..<size).map { .int(a &+ $0, .int) }, of: .intType)
            }
        default:
            return try at(node) { () throws(FunctionError) in try Arithmetic.binary(op, l, r) }
        }
    }

    private mutating func builtin(_ node: Node, _ name: String, _ arguments: [Node]) throws -> Value {
        let collection = try value(of: arguments[0])
        if name == "len" {
            return try at(node) { () throws(FunctionError) in try Access.length(collection) }
        }
        guard case .array(let items, _) = collection else {
            throw FailureAt(
                message: "invalid argument for len (type \(collection.goTypeName))", location: node.location)
        }
        var results: [Value] = []
        var count = 0
        for item in items {
            elements.append(item)
            defer { elements.removeLast() }
            let result = try value(of: arguments[1])
            if name == "map" {
                results.append(result)
                continue
            }
            let matched = try bool(result, node)
            switch name {
            case "all": if !matched { return .bool(false) }
            case "none": if matched { return .bool(false) }
            case "any": if matched { return .bool(true) }
            default:
                if matched {
                    count += 1
                    results.append(item)
                }
            }
        }
        switch name {
        case "all", "none": return .bool(true)
        case "any": return .bool(false)
        case "one": return .bool(count == 1)
        case "count": return .int(count)
        default:
            // filter and map build a fresh []interface {} whatever the input's element type.
            return .array(results, of: .interface)
        }
    }
}

extension Value {
    /// How Go's failed type assertion names the dynamic type (`nil` for no value).
    fileprivate var conversionName: String {
        if case .null = self { return "nil" }
        return goTypeName
    }

    fileprivate var asBool: Bool {
        if case .bool(let b) = self { return b }
        return false
    }
}
