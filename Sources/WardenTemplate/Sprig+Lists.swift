/// sprig's lists and dicts. Lists are values; dicts are shared like Go maps.
extension Sprig {
    static func listFunctions() -> [String: TemplateFunction] {
        var f: [String: TemplateFunction] = [:]
        f["list"] = TemplateFunction([GoType](), variadic: .interface) { .list($0) }
        f["tuple"] = f["list"]
        f["dict"] = TemplateFunction([GoType](), variadic: .interface) { args in
            var entries: [String: TemplateValue] = [:]
            var i = 0
            while i < args.count {
                let key = strval(args[i])
                entries[key] = i + 1 < args.count ? args[i + 1] : .string("")
                i += 2
            }
            return .map(entries)
        }
        f["get"] = TemplateFunction([anyMap, .string]) { args in
            guard case .map(let map, _) = args[0] else { return .string("") }
            return map[args[1].stringValue] ?? .string("")
        }
        f["set"] = TemplateFunction([anyMap, .string, .interface]) { args in
            guard case .map(let map, _) = args[0] else { throw FunctionError("assignment to entry in nil map") }
            map.set(args[1].stringValue, args[2])
            return args[0]
        }
        f["unset"] = TemplateFunction([anyMap, .string]) { args in
            if case .map(let map, _) = args[0] { map.set(args[1].stringValue, nil) }
            return args[0]
        }
        f["hasKey"] = TemplateFunction([anyMap, .string]) { args in
            guard case .map(let map, _) = args[0] else { return .bool(false) }
            return .bool(map[args[1].stringValue] != nil)
        }
        f["keys"] = TemplateFunction([GoType](), variadic: anyMap) { args in
            // Go visits map keys in random order; sorted is one of the orders it may give.
            var keys: [String] = []
            for case .map(let map, _) in args { keys += map.sortedKeys }
            return .list(keys.map { .string($0) }, stringList)
        }
        f["first"] = TemplateFunction([.interface]) { try listItems($0[0], "first").first ?? .null(.interface) }
        f["last"] = TemplateFunction([.interface]) { try listItems($0[0], "last").last ?? .null(.interface) }
        f["rest"] = TemplateFunction([.interface]) { args in
            let items = try listItems(args[0], "rest")
            return items.isEmpty ? .null(.interface) : .list(Array(items.dropFirst()))
        }
        f["initial"] = TemplateFunction([.interface]) { args in
            let items = try listItems(args[0], "initial")
            return items.isEmpty ? .null(.interface) : .list(Array(items.dropLast()))
        }
        f["reverse"] = TemplateFunction([.interface]) { .list(Array(try listItems($0[0], "reverse").reversed())) }
        f["compact"] = TemplateFunction([.interface]) { .list(try listItems($0[0], "compact").filter { !isEmpty($0) }) }
        f["uniq"] = TemplateFunction([.interface]) { args in
            var out: [TemplateValue] = []
            for item in try listItems(args[0], "uniq") where !out.contains(where: { deepEqual($0, item) }) { out.append(item) }
            return .list(out)
        }
        f["has"] = TemplateFunction([.interface, .interface]) { args in
            if args[1].isNilInterface { return .bool(false) }
            return .bool(try listItems(args[1], "has").contains { deepEqual($0, args[0]) })
        }
        f["append"] = TemplateFunction([.interface, .interface]) { .list(try listItems($0[0], "append") + [$0[1]]) }
        f["push"] = f["append"]
        f["prepend"] = TemplateFunction([.interface, .interface]) { .list([$0[1]] + (try listItems($0[0], "prepend"))) }
        f["concat"] = TemplateFunction([GoType](), variadic: .interface) { args in
            .list(try args.flatMap { try listItems($0, "concat") })
        }
        f["slice"] = TemplateFunction([.interface], variadic: .interface) { args in
            let items = try listItems(args[0], "slice")
            let start = args.count > 1 ? Int(toInt64(args[1])) : 0
            let end = args.count > 2 ? Int(toInt64(args[2])) : items.count
            guard start >= 0, start <= end, end <= items.count else {
                throw FunctionError("runtime error: slice bounds out of range [\(start):\(end)]")
            }
            return .list(Array(items[start..<end]))
        }

        return f
    }
}
