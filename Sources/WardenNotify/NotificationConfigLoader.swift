import Glibc
import WardenBasics
import WardenConfig

/// Reads `notifications/*.yaml` the way CrowdSec does: each file may hold several
/// documents, one notification each; host keys are read here, and the whole document
/// (with `${VAR}` expanded) is what the plugin's `Configure` receives.
public struct NotificationConfigLoader: Sendable {
    public var templates: any TemplateCompiler
    /// Looks environment variables up for `${VAR}`; the process environment by default.
    public var environment: @Sendable (String) -> String?

    public init(
        templates: any TemplateCompiler,
        environment: @escaping @Sendable (String) -> String? = { getenv($0).map { String(cString: $0) } }
    ) {
        self.templates = templates
        self.environment = environment
    }

    /// Every notification in the `.yaml`/`.yml` files of `folder`, in path order.
    /// - Parameter started: the names of the notifications that will run (those profiles
    ///   name); nil: all. A `${VAR}` that is not set stops the load only in one of them:
    ///   another keeps its text unexpanded, as it is never sent (the shipped samples name
    ///   variables a user sets only for the notification they turn on).
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    public func load(folder: String, started: Set<String>? = nil) throws -> [NotificationConfig] {
        var configs: [NotificationConfig] = []
        for path in FileSystem.files(in: folder, suffixes: [".yaml", ".yml"]) {
            let text: String
            switch FileSystem.read(path) {
            case .success(let read): text = read
            case .failure(let error): throw ConfigError(file: path, line: nil, "cannot read the file: \(error)")
            }
            for config in try parse(text, file: path, started: started) {
                if let first = configs.first(where: { $0.name == config.name }) {
                    throw ConfigError(
                        file: path, line: config.line,
                        "notification '\(config.name)' is defined twice (first in \(first.file):\(first.line)); "
                            + "give each a name of its own")
                }
                configs.append(config)
            }
        }
        return configs
    }

    /// The notifications of one file's text (`started`: as for ``load(folder:started:)``).
    public func parse(_ text: String, file: String, started: Set<String>? = nil) throws -> [NotificationConfig] {
        var configs: [NotificationConfig] = []
        for document in YAMLDocuments.split(text) {
            // Blank lines in front keep libyaml's line numbers those of the whole file.
            let padded = String(repeating: "\n", count: document.firstLine - 1) + document.text
            let root = try YAML.parse(padded, file: file)
            guard case .mapping(let pairs) = root.value else {
                throw ConfigError(
                    file: file, line: root.line,
                    "a notification must be a mapping (type, name, format, ...), not \(root.kind)")
            }
            if pairs.isEmpty { continue }
            configs.append(
                try config(root, pairs: pairs, text: document.text, firstLine: document.firstLine, file: file, started: started))
        }
        return configs
    }

    private func config(
        _ root: YAMLNode, pairs: [(key: String, keyLine: Int, value: YAMLNode)], text: String, firstLine: Int,
        file: String, started: Set<String>?
    ) throws(ConfigError) -> NotificationConfig {
        let keys = KeyReader(root: root, file: file)
        let type = try keys.required("type", hint: "name the plugin that delivers it (http, slack, email, splunk, ...)")
        let name = try keys.required("name", hint: "profiles list a notification by its name")
        let format = try keys.string("format") ?? ""
        let renderer: any AlertRenderer
        do {
            renderer = try templates.compile(format)
        } catch {
            throw ConfigError(file: file, line: root["format"]?.line, "'format' is not a valid template: \(error)")
        }
        let timeout = try keys.duration("timeout") ?? .seconds(5)
        if timeout <= .zero {
            throw ConfigError(file: file, line: root["timeout"]?.line, "'timeout' must be more than 0; omit it for 5s")
        }
        var payload = text
        do {
            payload = try EnvironmentExpansion.expand(text, lookup: environment)
        } catch where started.map({ !$0.contains(name) }) ?? false {
            // Never started: its unexpanded text is never sent.
        } catch {
            // The document's own lines count from its first, comments included.
            let line = error.line + firstLine - 1
            let key = pairs.last(where: { $0.keyLine <= line })?.key ?? "?"
            throw ConfigError(
                file: file, line: line,
                "key '\(key)': environment variable \(error.name) is not set; "
                    + "set it in warden's environment or write the value in the file")
        }
        return NotificationConfig(
            name: name, type: type, format: format, renderer: renderer,
            groupWait: try keys.duration("group_wait").flatMap { $0 > .zero ? $0 : nil },
            groupThreshold: try keys.count("group_threshold"), attempts: try keys.count("max_retry") ?? 1,
            timeout: timeout, pluginYAML: payload, file: file, line: root.line)
    }
}

/// Typed reads of a notification document's host keys, each error naming file, line and key.
private struct KeyReader {
    let root: YAMLNode
    let file: String

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let node = root[key] else { return nil }
        guard let text = node.scalar else {
            throw ConfigError(file: file, line: node.line, "'\(key)' must be text, not \(node.kind)")
        }
        return text
    }

    func required(_ key: String, hint: String) throws(ConfigError) -> String {
        guard let text = try string(key), !text.isEmpty else {
            throw ConfigError(file: file, line: root[key]?.line ?? root.line, "'\(key)' is missing: \(hint)")
        }
        return text
    }

    func duration(_ key: String) throws(ConfigError) -> Duration? {
        guard let text = try string(key), !text.isEmpty else { return nil }
        guard let ns = GoDuration.parse(text), ns >= 0 else {
            throw ConfigError(
                file: file, line: root[key]?.line, "'\(key)' is not a duration: \"\(text)\"; write it like 30s or 2m")
        }
        return .nanoseconds(ns)
    }

    func count(_ key: String) throws(ConfigError) -> Int? {
        guard let text = try string(key), !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw ConfigError(
                file: file, line: root[key]?.line, "'\(key)' is not a whole number of 0 or more: \"\(text)\"")
        }
        return value
    }
}

/// The documents of a YAML stream, cut at `---` and `...` lines, with the line each starts on.
/// Such a line at column 0 always separates documents: block scalars are indented.
enum YAMLDocuments {
    static func split(_ text: String) -> [(firstLine: Int, text: String)] {
        var documents: [(firstLine: Int, text: String)] = []
        var current: [Substring] = []
        var firstLine = 1
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if isMarker(line) {
                if !current.isEmpty { documents.append((firstLine, current.joined(separator: "\n") + "\n")) }
                current = []
                firstLine = index + 2
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { documents.append((firstLine, current.joined(separator: "\n"))) }
        return documents
    }

    private static func isMarker(_ line: Substring) -> Bool {
        for marker in ["---", "..."] where line.hasPrefix(marker) {
            let rest = line.dropFirst(3)
            if rest.isEmpty || rest.first == " " || rest.first == "\t" { return true }
        }
        return false
    }
}
