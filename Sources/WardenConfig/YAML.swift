import CYAML

/// A YAML node with the line it starts on (1-based), as read by ``YAML/parse(_:file:)``.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        /// A scalar's text as written (`~` and `null` are empty).
        case scalar(String)
        /// Keys in file order; duplicate keys are refused while parsing.
        case mapping([(key: String, keyLine: Int, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    public var value: Value
    public var line: Int

    /// The value under `key` when this node is a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = value else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// The text of a scalar, nil for a mapping or a sequence.
    public var scalar: String? {
        if case .scalar(let text) = value { return text }
        return nil
    }

    /// What kind of node this is, for error messages.
    public var kind: String {
        switch value {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

/// Reads YAML through the system libyaml, keeping line numbers for messages.
public enum YAML {
    /// Parses the first document of `text`. An empty document is an empty mapping.
    /// - Throws: ``ConfigError`` naming `file` and the line of the problem.
    public static func parse(_ text: String, file: String) throws -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ConfigError(file: file, line: nil, "cannot start the YAML parser (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var reader = EventReader(parser: &parser, file: file)
            return try reader.document()
        }
    }

    /// Parses every document of a multi-document stream (`---` between them), in order.
    /// Empty documents (a trailing `---`) are left out.
    /// - Throws: ``ConfigError`` naming `file` and the line of the problem.
    public static func parseDocuments(_ text: String, file: String) throws -> [YAMLNode] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ConfigError(file: file, line: nil, "cannot start the YAML parser (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var reader = EventReader(parser: &parser, file: file)
            return try reader.documents()
        }
    }
}

/// Walks libyaml's event stream with recursive descent.
private struct EventReader {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let file: String
    /// Sequences and mappings open around the node being read. Configs nest a few levels;
    /// this reader recurses, so it stops past ``maxDepth`` (50 000 `[` overflowed the stack).
    private var depth = 0
    private static let maxDepth = 1_000

    init(parser: UnsafeMutablePointer<yaml_parser_t>, file: String) {
        self.parser = parser
        self.file = file
    }

    /// The next event's type, line and (for scalars) text.
    private mutating func next() throws -> (type: yaml_event_type_t, line: Int, text: String) {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let p = parser.pointee
            let problem = p.problem.map { String(cString: $0) } ?? "invalid YAML"
            let context = p.context.map { " " + String(cString: $0) } ?? ""
            throw ConfigError(file: file, line: Int(p.problem_mark.line) + 1, "invalid YAML: \(problem)\(context)")
        }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        var text = ""
        if event.type == YAML_SCALAR_EVENT {
            let scalar = event.data.scalar
            text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            if scalar.style == YAML_PLAIN_SCALAR_STYLE && (text == "~" || text == "null" || text == "Null") {
                text = ""
            }
        }
        return (event.type, line, text)
    }

    mutating func document() throws -> YAMLNode {
        var event = try next()  // stream start
        event = try next()
        if event.type == YAML_STREAM_END_EVENT { return YAMLNode(value: .mapping([]), line: 1) }
        let start = try next()
        if start.type == YAML_DOCUMENT_END_EVENT { return YAMLNode(value: .mapping([]), line: start.line) }
        return try node(startingWith: start)
    }

    mutating func documents() throws -> [YAMLNode] {
        _ = try next()  // stream start
        var documents: [YAMLNode] = []
        while try next().type == YAML_DOCUMENT_START_EVENT {
            let start = try next()
            if start.type == YAML_DOCUMENT_END_EVENT { continue }
            let document = try node(startingWith: start)
            _ = try next()  // document end
            // `---` followed by nothing reads as an empty scalar.
            if document.scalar == "" { continue }
            documents.append(document)
        }
        return documents
    }

    private mutating func node(startingWith event: (type: yaml_event_type_t, line: Int, text: String)) throws -> YAMLNode {
        if event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT {
            guard depth < Self.maxDepth else {
                throw ConfigError(
                    file: file, line: event.line, "sequences and mappings nest more than \(Self.maxDepth) deep")
            }
            depth += 1
        }
        defer {
            if event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT { depth -= 1 }
        }
        switch event.type {
        case YAML_SCALAR_EVENT:
            return YAMLNode(value: .scalar(event.text), line: event.line)
        case YAML_SEQUENCE_START_EVENT:
            var items: [YAMLNode] = []
            while true {
                let item = try next()
                if item.type == YAML_SEQUENCE_END_EVENT { break }
                items.append(try node(startingWith: item))
            }
            return YAMLNode(value: .sequence(items), line: event.line)
        case YAML_MAPPING_START_EVENT:
            var pairs: [(key: String, keyLine: Int, value: YAMLNode)] = []
            while true {
                let key = try next()
                if key.type == YAML_MAPPING_END_EVENT { break }
                guard key.type == YAML_SCALAR_EVENT else {
                    throw ConfigError(file: file, line: key.line, "a mapping key must be plain text")
                }
                if let first = pairs.first(where: { $0.key == key.text }) {
                    throw ConfigError(
                        file: file, line: key.line, "duplicate key '\(key.text)' (first set on line \(first.keyLine))")
                }
                let value = try node(startingWith: try next())
                pairs.append((key.text, key.line, value))
            }
            return YAMLNode(value: .mapping(pairs), line: event.line)
        case YAML_ALIAS_EVENT:
            throw ConfigError(file: file, line: event.line, "YAML aliases (*name) are not supported; write the value out")
        default:
            throw ConfigError(file: file, line: event.line, "unexpected YAML structure")
        }
    }
}
