/// sprig's defaults and logic: `default`, `empty`, `coalesce`, `ternary`, `fail`, kinds and types.
extension Sprig {
    static func logicFunctions() -> [String: TemplateFunction] {
        var f: [String: TemplateFunction] = [:]
        f["default"] = TemplateFunction([.interface], variadic: .interface) { args in
            if args.count < 2 || isEmpty(args[1]) { return args[0] }
            return args[1]
        }
        f["empty"] = TemplateFunction([.interface]) { .bool(isEmpty($0[0])) }
        f["coalesce"] = TemplateFunction([GoType](), variadic: .interface) { args in args.first { !isEmpty($0) } ?? .null(.interface) }
        f["all"] = TemplateFunction([GoType](), variadic: .interface) { .bool($0.allSatisfy { !isEmpty($0) }) }
        f["any"] = TemplateFunction([GoType](), variadic: .interface) { .bool($0.contains { !isEmpty($0) }) }
        f["ternary"] = TemplateFunction([.interface, .interface, .bool]) { args in
            if case .bool(true) = args[2] { return args[0] }
            return args[1]
        }
        f["fail"] = TemplateFunction([.string]) { throw FunctionError($0[0].stringValue) }
        f["typeOf"] = TemplateFunction([.interface]) { .string($0[0].isNilInterface ? "<nil>" : $0[0].type?.description ?? "<nil>") }
        f["kindOf"] = TemplateFunction([.interface]) { .string($0[0].kindName) }

        return f
    }
}
