/// Runs a parsed template over data, as Go's text/template exec.go does:
/// the same walk, the same variable scoping, the same conversions of
/// arguments, and errors naming the node being evaluated.
final class Executor {
    private enum LoopControl: Error { case breakLoop, continueLoop }

    /// A thrown execution error, already in Go's words.
    struct Failure: Error { let message: String }

    private let template: Template
    private var templateName: String
    private var vars: [(name: String, value: TemplateValue)] = []
    private var node: Node?
    private var depth = 0
    private(set) var output = ""

    /// How deep `{{template}}` calls may nest. Go allows 100000; a Swift stack
    /// would overflow first, so the limit is lower.
    static let maxDepth = 1000

    init(template: Template) {
        self.template = template
        self.templateName = template.name
    }

    func run(_ data: TemplateValue) throws {
        vars = [("$", data)]
        guard let root = template.trees[template.name], !Template.isEmpty(root) else {
            throw Failure(message: "template: \(template.name): \(goQuote(template.name)) is an incomplete or empty template")
        }
        try walkList(data, root)
    }

    // MARK: - Errors

    private func at(_ n: Node) { node = n }

    private func error(_ message: String) -> Failure {
        guard let node else { return Failure(message: "template: \(templateName): \(message)") }
        let bytes = Array(template.text.utf8)
        let pos = min(node.pos, bytes.count)
        let before = bytes[..<pos]
        let line = 1 + before.filter { $0 == 0x0A }.count
        let column = pos - ((before.lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0)
        let context = node.description
        return Failure(message: "template: \(template.name):\(line):\(column): executing \(goQuote(templateName)) at <\(context)>: \(message)")
    }

    // MARK: - Variables

    private func varValue(_ name: String) throws -> TemplateValue {
        for entry in vars.reversed() where entry.name == name { return entry.value }
        throw error("undefined variable: \(name)")
    }

    private func setVar(_ name: String, _ value: TemplateValue) throws {
        guard let i = vars.lastIndex(where: { $0.name == name }) else { throw error("undefined variable: \(name)") }
        vars[i].value = value
    }

    private func setTopVar(_ n: Int, _ value: TemplateValue) { vars[vars.count - n].value = value }

    // MARK: - Walking

    private func walkList(_ dot: TemplateValue, _ nodes: [Node]) throws {
        for n in nodes { try walk(dot, n) }
    }

    private func walk(_ dot: TemplateValue, _ n: Node) throws {
        at(n)
        switch n {
        case .action(_, _, let pipe):
            let value = try evalPipeline(dot, pipe)
            if pipe.declarations.isEmpty {
                at(n)
                output += GoPrint.printable(value)
            }
        case .breakNode: throw LoopControl.breakLoop
        case .continueNode: throw LoopControl.continueLoop
        case .comment: break
        case .ifNode(_, _, let pipe, let list, let elseList): try walkIfOrWith(isWith: false, dot, pipe, list, elseList)
        case .withNode(_, _, let pipe, let list, let elseList): try walkIfOrWith(isWith: true, dot, pipe, list, elseList)
        case .list(_, let nodes): try walkList(dot, nodes)
        case .rangeNode(_, _, let pipe, let list, let elseList): try walkRange(dot, pipe, list, elseList)
        case .template(_, _, let name, let pipe): try walkTemplate(dot, name, pipe)
        case .text(_, let text): output += text
        default: throw error("unknown node: \(n)")
        }
    }

    private func walkIfOrWith(isWith: Bool, _ dot: TemplateValue, _ pipe: Pipe, _ list: [Node], _ elseList: [Node]?) throws {
        let mark = vars.count
        defer { vars.removeLast(vars.count - mark) }
        let value = try evalPipeline(dot, pipe)
        guard let truth = value.truth else { throw error("if/with can't use \(GoPrint.operand(value))") }
        if truth {
            try walkList(isWith ? value : dot, list)
        } else if let elseList {
            try walkList(dot, elseList)
        }
    }

    private func walkRange(_ dot: TemplateValue, _ pipe: Pipe, _ list: [Node], _ elseList: [Node]?) throws {
        let outer = vars.count
        defer { vars.removeLast(vars.count - outer) }
        let value = try evalPipeline(dot, pipe).indirect.value
        let mark = vars.count
        // Returns false when {{break}} ended the loop.
        func iteration(_ index: TemplateValue, _ element: TemplateValue) throws -> Bool {
            if !pipe.declarations.isEmpty {
                if pipe.isAssign {
                    if pipe.declarations.count > 1 {
                        try setVar(variableName(pipe.declarations[0]), index)
                    } else {
                        try setVar(variableName(pipe.declarations[0]), element)
                    }
                } else {
                    setTopVar(1, element)
                }
            }
            if pipe.declarations.count > 1 {
                if pipe.isAssign {
                    try setVar(variableName(pipe.declarations[1]), element)
                } else {
                    setTopVar(2, index)
                }
            }
            defer { vars.removeLast(vars.count - mark) }
            do {
                try walkList(element, list)
            } catch LoopControl.continueLoop {
            } catch LoopControl.breakLoop {
                return false
            }
            return true
        }
        switch value {
        case .list(let items, _) where !items.isEmpty:
            for (i, item) in items.enumerated() where try !iteration(.int(i), item) { break }
            return
        case .map(let map, _) where !map.entries.isEmpty:
            let entries = map.entries
            for key in map.sortedKeys where try !iteration(.string(key), entries[key]!) { break }
            return
        case .string(let s) where !s.isEmpty:
            throw error("range can't iterate over \(s)")
        case .list, .map, .noValue, .string:
            break
        case .null(let type):
            switch type.underlying {
            case .slice, .map, .interface: break
            default: throw error("range can't iterate over \(GoPrint.operand(value))")
            }
        default:
            throw error("range can't iterate over \(GoPrint.operand(value))")
        }
        if let elseList { try walkList(dot, elseList) }
    }

    private func variableName(_ n: Node) -> String {
        if case .variable(_, let idents) = n { return idents[0] }
        return ""
    }

    private func walkTemplate(_ dot: TemplateValue, _ name: String, _ pipe: Pipe?) throws {
        guard let tree = template.trees[name] else { throw error("template \(goQuote(name)) not defined") }
        guard depth < Executor.maxDepth else { throw error("exceeded maximum template depth (\(Executor.maxDepth))") }
        let newDot = try pipe.map { try evalPipeline(dot, $0) } ?? .noValue
        let saved = (vars, templateName)
        vars = [("$", newDot)]
        templateName = name
        depth += 1
        defer {
            depth -= 1
            (vars, templateName) = saved
        }
        try walkList(newDot, tree)
    }

    // MARK: - Pipelines and commands

    private func evalPipeline(_ dot: TemplateValue, _ pipe: Pipe) throws -> TemplateValue {
        node = .pipe(pipe)
        var value: TemplateValue? = nil
        for command in pipe.commands {
            value = try evalCommand(dot, command, final: value)
            // Go unwraps an empty interface between commands: a nil one becomes "no value".
            if case .null(.interface)? = value { value = .noValue }
        }
        let result = value ?? .noValue
        for declaration in pipe.declarations {
            if pipe.isAssign {
                try setVar(variableName(declaration), result)
            } else {
                vars.append((variableName(declaration), result))
            }
        }
        return result
    }

    /// `final` is the previous command's result in a pipeline, nil for the first command.
    private func evalCommand(_ dot: TemplateValue, _ cmd: Command, final: TemplateValue?) throws -> TemplateValue {
        let first = cmd.args[0]
        switch first {
        case .field(_, let idents):
            at(first)
            return try evalFieldChain(dot, dot, first, idents, args: cmd.args, final: final)
        case .chain(_, let inner, let fields):
            return try evalChain(dot, first, inner, fields, args: cmd.args, final: final)
        case .identifier(_, let name):
            at(first)
            return try evalFunction(dot, name, callNode: .command(cmd), args: cmd.args, final: final)
        case .pipe(let pipe):
            try notAFunction(cmd.args, final)
            return try evalPipeline(dot, pipe)
        case .variable(_, let idents):
            at(first)
            return try evalVariable(dot, first, idents, args: cmd.args, final: final)
        default: break
        }
        at(first)
        try notAFunction(cmd.args, final)
        switch first {
        case .bool(_, let b): return .bool(b)
        case .dot: return dot
        case .nilNode: throw error("nil is not a command")
        case .number(_, let n): return try idealConstant(n)
        case .string(_, _, let s): return .string(s)
        default: throw error("can't evaluate command \(goQuote(first.description))")
        }
    }

    private func notAFunction(_ args: [Node], _ final: TemplateValue?) throws {
        if args.count > 1 || final != nil { throw error("can't give argument to non-function \(args[0])") }
    }

    private func idealConstant(_ n: Number) throws -> TemplateValue {
        let text = n.text
        let isHex = text.lowercased().hasPrefix("0x") || text.lowercased().hasPrefix("-0x") || text.lowercased().hasPrefix("+0x")
        if let f = n.float, !isHex, !text.hasPrefix("'"), text.contains(where: { ".eEpP".contains($0) }) {
            return .float(f, .float64)
        }
        if let i = n.int { return .int(i, .int) }
        throw error("\(text) overflows int")
    }

    private func evalChain(_ dot: TemplateValue, _ chainNode: Node, _ inner: Node, _ fields: [String], args: [Node], final: TemplateValue?) throws -> TemplateValue {
        at(chainNode)
        if case .nilNode = inner { throw error("indirection through explicit nil in \(chainNode)") }
        let receiver = try evalArg(dot, .value, inner)
        return try evalFieldChain(dot, receiver, chainNode, fields, args: args, final: final)
    }

    private func evalVariable(_ dot: TemplateValue, _ varNode: Node, _ idents: [String], args: [Node], final: TemplateValue?) throws -> TemplateValue {
        at(varNode)
        let value = try varValue(idents[0])
        if idents.count == 1 {
            try notAFunction(args, final)
            return value
        }
        return try evalFieldChain(dot, value, varNode, Array(idents.dropFirst()), args: args, final: final)
    }

    private func evalFieldChain(_ dot: TemplateValue, _ receiver: TemplateValue, _ n: Node, _ idents: [String], args: [Node], final: TemplateValue?) throws -> TemplateValue {
        var r = receiver
        for name in idents.dropLast() {
            r = try evalField(dot, name, n, args: [], final: nil, receiver: r)
        }
        return try evalField(dot, idents.last!, n, args: args, final: final, receiver: r)
    }

    private func evalField(_ dot: TemplateValue, _ fieldName: String, _ n: Node, args: [Node], final: TemplateValue?, receiver: TemplateValue) throws -> TemplateValue {
        guard let type = receiver.type else { return .noValue }
        let (target, isNil) = receiver.indirect
        if case .null(let t) = target, t.underlying == .interface {
            throw error("nil pointer evaluating \(type).\(fieldName)")
        }
        let hasArgs = args.count > 1 || final != nil
        var structType: GoStruct?
        switch target {
        case .object(let o): structType = o.type
        case .null(let t): if case .pointer(let e) = t.underlying, case .structure(let s) = e.underlying { structType = s }
        default: break
        }
        if let structType, let method = structType.methods[fieldName] {
            guard case .object(let object) = target else { throw error("nil pointer evaluating \(type).\(fieldName)") }
            let function = TemplateFunction(method.parameters) { try method.body(object, $0) }
            return try evalCall(dot, function, isBuiltin: false, callNode: n, name: fieldName, args: args, final: final)
        }
        switch target {
        case .object(let o):
            if let value = o[fieldName] {
                if hasArgs { throw error("\(fieldName) has arguments but cannot be invoked as function") }
                return value
            }
        case .map(let map, _):
            if hasArgs { throw error("\(fieldName) is not a method but has arguments") }
            return map[fieldName] ?? .noValue
        case .null(let t):
            switch t.underlying {
            case .map:
                if hasArgs { throw error("\(fieldName) is not a method but has arguments") }
                return .noValue
            case .pointer(let e):
                if case .structure(let s) = e.underlying, s.fieldIndex(goName: fieldName) == nil { break }
                if isNil { throw error("nil pointer evaluating \(type).\(fieldName)") }
            default: break
            }
        default: break
        }
        throw error("can't evaluate field \(fieldName) in type \(type)")
    }

    private func evalFunction(_ dot: TemplateValue, _ name: String, callNode: Node, args: [Node], final: TemplateValue?) throws -> TemplateValue {
        guard let function = template.functions[name] else { throw error("\(goQuote(name)) is not a defined function") }
        return try evalCall(dot, function, isBuiltin: Builtins.names.contains(name), callNode: callNode, name: name, args: args, final: final)
    }

    private func evalCall(_ dot: TemplateValue, _ function: TemplateFunction, isBuiltin: Bool, callNode: Node, name: String, args allArgs: [Node], final: TemplateValue?) throws -> TemplateValue {
        let args = Array(allArgs.dropFirst())
        let fixedCount = function.parameters.count
        let given = args.count + (final == nil ? 0 : 1)
        if function.variadic != nil {
            if given < fixedCount { throw error("wrong number of args for \(name): want at least \(fixedCount) got \(args.count)") }
        } else if given != fixedCount {
            throw error("wrong number of args for \(name): want \(fixedCount) got \(given)")
        }
        if isBuiltin && (name == "and" || name == "or") {
            var v = TemplateValue.noValue
            for arg in args {
                v = try evalArg(dot, .value, arg)
                if (v.truth ?? true) == (name == "or") { return v }
            }
            if let final { v = final }
            return v
        }
        var argv: [TemplateValue] = []
        var i = 0
        while i < fixedCount && i < args.count {
            argv.append(try evalArg(dot, function.parameters[i], args[i]))
            i += 1
        }
        if let variadic = function.variadic {
            while i < args.count {
                argv.append(try evalArg(dot, variadic, args[i]))
                i += 1
            }
        }
        if let final {
            let parameter: TemplateFunction.Parameter
            if let variadic = function.variadic, given - 1 >= fixedCount {
                parameter = variadic
            } else {
                parameter = function.parameters[given - 1]
            }
            argv.append(try validateType(final, parameter))
        }
        do {
            return try function.body(argv)
        } catch let failure as FunctionError {
            at(callNode)
            throw error("error calling \(name): \(failure.description)")
        }
    }

    // MARK: - Arguments

    private func evalArg(_ dot: TemplateValue, _ parameter: TemplateFunction.Parameter, _ n: Node) throws -> TemplateValue {
        at(n)
        switch n {
        case .dot: return try validateType(dot, parameter)
        case .nilNode:
            if case .typed(let t) = parameter, t.canBeNil { return .null(t) }
            throw error("cannot assign nil to \(parameter.typeName)")
        case .field(_, let idents): return try validateType(try evalFieldChain(dot, dot, n, idents, args: [n], final: nil), parameter)
        case .variable(_, let idents): return try validateType(try evalVariable(dot, n, idents, args: [], final: nil), parameter)
        case .pipe(let pipe): return try validateType(try evalPipeline(dot, pipe), parameter)
        case .identifier(_, let name): return try validateType(try evalFunction(dot, name, callNode: n, args: [], final: nil), parameter)
        case .chain(_, let inner, let fields): return try validateType(try evalChain(dot, n, inner, fields, args: [], final: nil), parameter)
        default: break
        }
        guard case .typed(let type) = parameter else {
            // A reflect.Value parameter takes the constant as an empty interface would.
            return try emptyInterface(dot, n)
        }
        switch (type.underlying, n) {
        case (.bool, .bool(_, let b)): return .bool(b)
        case (.bool, _): throw error("expected bool; found \(n)")
        case (.string, .string(_, _, let s)): return .string(s)
        case (.string, _): throw error("expected string; found \(n)")
        case (.int, .number(_, let num)), (.int32, .number(_, let num)), (.int64, .number(_, let num)):
            if let i = num.int { return .int(i, type) }
            throw error("expected integer; found \(n)")
        case (.int, _), (.int32, _), (.int64, _): throw error("expected integer; found \(n)")
        case (.float64, .number(_, let num)), (.float32, .number(_, let num)):
            if let f = num.float { return .float(f, type) }
            throw error("expected float; found \(n)")
        case (.float64, _), (.float32, _): throw error("expected float; found \(n)")
        case (.interface, _): return try emptyInterface(dot, n)
        default: throw error("can't handle \(n) for arg of type \(type)")
        }
    }

    private func emptyInterface(_ dot: TemplateValue, _ n: Node) throws -> TemplateValue {
        switch n {
        case .bool(_, let b): return .bool(b)
        case .number(_, let num): return try idealConstant(num)
        case .string(_, _, let s): return .string(s)
        default: throw error("can't handle assignment of \(n) to empty interface argument")
        }
    }

    private func validateType(_ value: TemplateValue, _ parameter: TemplateFunction.Parameter) throws -> TemplateValue {
        guard case .typed(let type) = parameter else { return value }
        guard let valueType = value.type else {
            if type.canBeNil { return .null(type) }
            throw error("invalid value; expected \(type)")
        }
        if type == .interface || valueType.description == type.description { return value }
        if case .pointer(let element) = valueType, element.description == type.description {
            let (inner, isNil) = value.indirect
            if isNil { throw error("dereference of nil pointer of type \(type)") }
            return inner
        }
        throw error("wrong type for value; expected \(type); got \(valueType)")
    }
}

extension TemplateFunction.Parameter {
    var typeName: String {
        switch self {
        case .value: "reflect.Value"
        case .typed(let t): t.description
        }
    }
}

extension GoType {
    /// Whether Go's nil is a value of this type.
    var canBeNil: Bool {
        switch underlying {
        case .pointer, .slice, .map, .interface: true
        default: false
        }
    }
}

extension TemplateValue {
    /// Go's truth for `if`, `with`, `and`, `or` and `not`; nil for values that have none.
    var truth: Bool? {
        switch self {
        case .noValue, .null: false
        case .bool(let b): b
        case .int(let i, _): i != 0
        case .float(let f, _): f != 0
        case .string(let s): !s.isEmpty
        case .list(let items, _): !items.isEmpty
        case .map(let map, _): !map.entries.isEmpty
        case .pointer, .object, .time: true
        }
    }
}
