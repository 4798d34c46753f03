/// sprig's JSON functions, on Go's encoding/json rules (see JSONWriter).
extension Sprig {
    static func jsonFunctions() -> [String: TemplateFunction] {
        var f: [String: TemplateFunction] = [:]
        f["toJson"] = TemplateFunction([.interface]) { .string((try? JSONWriter().write($0[0])) ?? "") }
        f["mustToJson"] = TemplateFunction([.interface]) { args in
            do { return .string(try JSONWriter().write(args[0])) } catch { throw FunctionError("\(error)") }
        }
        f["toPrettyJson"] = TemplateFunction([.interface]) { .string((try? JSONWriter(indent: "  ").write($0[0])) ?? "") }
        f["toRawJson"] = TemplateFunction([.interface]) { .string((try? JSONWriter(escapeHTML: false).write($0[0])) ?? "") }
        f["fromJson"] = TemplateFunction([.string]) { args in
            guard let value = try? TemplateValue(json: args[0].stringValue) else { return .map([:]) }
            return value
        }

        return f
    }
}
