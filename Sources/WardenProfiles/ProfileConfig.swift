import WardenBasics
import WardenConfig

/// One document of `profiles.yaml`, as written: every directive of CrowdSec's profiles,
/// checked for shape (strictly: an unknown directive is an error, as CrowdSec decodes
/// strictly) but not yet compiled.
public struct ProfileConfig: Sendable {
    /// A decision the profile makes when it matches (`decisions:` entries).
    public struct DecisionTemplate: Sendable, Equatable {
        /// `type`: ban, captcha... Required.
        public var type: String
        /// `scope`: overrides the alert source's scope when set.
        public var scope: String?
        /// `duration`: a Go duration; required unless the profile has a `duration_expr`.
        public var duration: String?
        /// `origin`: the decision's origin becomes `crowdsec/<origin>`.
        public var origin: String?
        /// `simulated`: the decision is only simulated.
        public var simulated: Bool
    }

    /// What `on_success`/`on_failure` say after a profile ran.
    public enum Flow: String, Sendable {
        case `continue`
        case `break`
    }

    /// What `on_error` says when a filter fails at run time (CrowdSec 1.6+).
    public enum OnError: String, Sendable {
        /// The default: the whole alert is refused (LAPI answers 500).
        case fail = ""
        /// The profile counts as matched, without decisions of its own.
        case apply
        /// The profile counts as not matched; later profiles run.
        case `continue`
        /// Like continue, logged as ignored.
        case ignore
        /// No further profile runs.
        case `break`
    }

    public var name: String
    /// The line the document starts on, for messages.
    public var line: Int
    public var debug: Bool
    /// Each filter's text and the line it is written on.
    public var filters: [(text: String, line: Int)]
    public var decisions: [DecisionTemplate]
    public var durationExpression: (text: String, line: Int)?
    public var onSuccess: Flow
    public var onFailure: Flow
    public var onError: OnError
    public var notifications: [String]
    /// The legacy backend system's `outputs: [{plugin: NAME, store: BOOL}]`, in order: the
    /// backends (by their configured `name`) this profile's alerts go to, except those with
    /// `store: false`; nil when the profile has no `outputs` (every backend).
    public var outputs: [Output]?

    /// One entry of `outputs`.
    public struct Output: Sendable, Equatable {
        /// The backend's configured name (`plugin:`).
        public var backend: String
        /// `store:` (true when left out): false leaves this backend out.
        public var store: Bool
    }

    /// The backends this profile's alerts are stored in; nil: every backend.
    public var storingBackends: [String]? { outputs.map { $0.filter(\.store).map(\.backend) } }

    static let directives = [
        "name", "debug", "filters", "decisions", "duration_expr", "on_success", "on_failure", "on_error",
        "notifications", "outputs",
    ]
    /// models.Decision's keys: CrowdSec accepts them all in `decisions:` and uses these four.
    static let decisionKeys = ["type", "scope", "duration", "origin", "simulated", "value", "scenario", "until", "id"]

    /// Reads one document.
    /// - Throws: `ConfigError` naming the file, the line and the profile.
    init(_ node: YAMLNode, index: Int, file: String) throws {
        guard case .mapping(let pairs) = node.value else {
            throw ConfigError(
                file: file, line: node.line, "profile \(index + 1) must be a mapping of directives, found \(node.kind)")
        }
        let label = node["name"]?.scalar.map { "profile '\($0)'" } ?? "profile \(index + 1)"
        func fail(_ line: Int, _ message: String) -> ConfigError {
            ConfigError(file: file, line: line, "\(label): \(message)")
        }
        for pair in pairs where !Self.directives.contains(pair.key) {
            let hint = closestMatch(to: pair.key, in: Self.directives).map { " (did you mean '\($0)'?)" } ?? ""
            throw fail(
                pair.keyLine,
                "unknown directive '\(pair.key)'\(hint); profiles take \(Self.directives.joined(separator: ", "))")
        }
        func scalar(_ key: String) throws -> (text: String, line: Int)? {
            guard let value = node[key] else { return nil }
            guard let text = value.scalar else {
                throw fail(value.line, "'\(key)' must be a single value, found \(value.kind)")
            }
            return (text, value.line)
        }
        func list(_ key: String) throws -> [(text: String, line: Int)] {
            guard let value = node[key] else { return [] }
            if value.scalar == "" { return [] }
            guard case .sequence(let items) = value.value else {
                throw fail(value.line, "'\(key)' must be a list, found \(value.kind)")
            }
            return try items.map { item in
                guard let text = item.scalar else {
                    throw fail(item.line, "each of '\(key)' must be text, found \(item.kind)")
                }
                return (text, item.line)
            }
        }
        func flag(_ text: String, _ line: Int, _ key: String) throws -> Bool {
            switch text {
            case "true", "True", "TRUE", "yes", "on": return true
            case "false", "False", "FALSE", "no", "off", "": return false
            default: throw fail(line, "'\(key)' must be true or false, found '\(text)'")
            }
        }
        func flow(_ key: String) throws -> Flow {
            guard let (text, line) = try scalar(key), !text.isEmpty else { return .continue }
            guard let flow = Flow(rawValue: text) else {
                throw fail(line, "'\(key)' must be break or continue, found '\(text)'")
            }
            return flow
        }

        name = try scalar("name")?.text ?? ""
        line = node.line
        debug = try scalar("debug").map { try flag($0.text, $0.line, "debug") } ?? false
        filters = try list("filters")
        notifications = try list("notifications").map(\.text)
        outputs = try Self.outputs(node["outputs"], fail: fail)
        durationExpression = try scalar("duration_expr").flatMap { $0.text.isEmpty ? nil : $0 }
        onSuccess = try flow("on_success")
        onFailure = try flow("on_failure")
        if let (text, line) = try scalar("on_error") {
            guard let onError = OnError(rawValue: text) else {
                throw fail(line, "'on_error' must be apply, break, continue or ignore, found '\(text)'")
            }
            self.onError = onError
        } else {
            onError = .fail
        }

        decisions = []
        guard let decisionsNode = node["decisions"], decisionsNode.scalar != "" else { return }
        guard case .sequence(let entries) = decisionsNode.value else {
            throw fail(decisionsNode.line, "'decisions' must be a list, found \(decisionsNode.kind)")
        }
        for (number, entry) in entries.enumerated() {
            let decisionLabel = "decision \(number + 1)"
            guard case .mapping(let fields) = entry.value else {
                throw fail(entry.line, "\(decisionLabel) must be a mapping (type, duration...), found \(entry.kind)")
            }
            var values: [String: (text: String, line: Int)] = [:]
            for field in fields {
                guard Self.decisionKeys.contains(field.key) else {
                    let hint =
                        closestMatch(to: field.key, in: Self.decisionKeys).map { " (did you mean '\($0)'?)" } ?? ""
                    throw fail(field.keyLine, "\(decisionLabel): unknown key '\(field.key)'\(hint)")
                }
                guard let text = field.value.scalar else {
                    throw fail(
                        field.value.line,
                        "\(decisionLabel): '\(field.key)' must be a single value, found \(field.value.kind)")
                }
                values[field.key] = (text, field.value.line)
            }
            guard let type = values["type"], !type.text.isEmpty else {
                throw fail(entry.line, "\(decisionLabel): 'type' is required (ban, captcha...)")
            }
            let duration = values["duration"].flatMap { $0.text.isEmpty ? nil : $0 }
            if let duration, GoDuration.parse(duration.text) == nil {
                throw fail(
                    duration.line,
                    "\(decisionLabel): duration '\(duration.text)' is not a Go duration; write it like 4h, 90m or 1h30m"
                )
            }
            if duration == nil && durationExpression == nil {
                throw fail(entry.line, "\(decisionLabel): 'duration' is required when the profile has no duration_expr")
            }
            decisions.append(
                DecisionTemplate(
                    type: type.text, scope: values["scope"].flatMap { $0.text.isEmpty ? nil : $0.text },
                    duration: duration?.text, origin: values["origin"].flatMap { $0.text.isEmpty ? nil : $0.text },
                    simulated: try values["simulated"].map { try flag($0.text, $0.line, "simulated") } ?? false))
        }
    }

    /// Reads `outputs:` (a list of `{plugin: NAME, store: BOOL}`, `store` true when left out);
    /// nil when absent.
    static func outputs(_ node: YAMLNode?, fail: (Int, String) -> ConfigError) throws -> [Output]? {
        guard let node, node.scalar != "" else { return nil }
        guard case .sequence(let items) = node.value else {
            throw fail(node.line, "'outputs' must be a list of {plugin: NAME, store: true|false}, found \(node.kind)")
        }
        var outputs: [Output] = []
        for (number, item) in items.enumerated() {
            let label = "output \(number + 1)"
            guard case .mapping(let pairs) = item.value else {
                throw fail(item.line, "\(label) must be a mapping {plugin: NAME, store: true|false}, found \(item.kind)")
            }
            for pair in pairs where !["plugin", "store"].contains(pair.key) {
                throw fail(pair.keyLine, "\(label): unknown key '\(pair.key)'; an output takes plugin and store")
            }
            guard let name = item["plugin"]?.scalar, !name.isEmpty else {
                throw fail(item.line, "\(label) has no 'plugin': name the backend (its configured name)")
            }
            guard !outputs.contains(where: { $0.backend == name }) else {
                throw fail(item.line, "\(label): the backend '\(name)' is named twice; name each backend once")
            }
            switch item["store"]?.scalar ?? "true" {
            case "true", "True", "TRUE", "yes", "on": outputs.append(Output(backend: name, store: true))
            case "false", "False", "FALSE", "no", "off": outputs.append(Output(backend: name, store: false))
            case let text: throw fail(item["store"]!.line, "\(label): 'store' must be true or false, found '\(text)'")
            }
        }
        return outputs
    }
}
