import Logging
import WardenAlerts
import WardenConfig
import WardenExpr

/// The profiles of `profiles.yaml`, compiled, and how they turn an alert into
/// decisions and notification routes, with CrowdSec's semantics:
///
/// - Profiles run in file order. A profile matches when any filter is true; each true
///   filter adds a copy of its decisions (two true filters: the decisions twice).
/// - Only the first matching profile that yields decisions gives the alert its
///   decisions; every matching profile adds its notifications.
/// - `on_success: break` stops after a match. `on_failure: break` has no effect, as in
///   CrowdSec, where that `break` only leaves a `switch`.
/// - A filter that fails to run refuses the alert, unless `on_error` says otherwise.
/// - An alert that already carries decisions (`cscli decisions add`) keeps them; profiles
///   then only pick notifications.
public struct Profiles: Sendable {
    public let file: String
    public let profiles: [Profile]

    /// What the profiles decided for one alert.
    public struct Verdict: Sendable {
        /// The alert's decisions: its own when it had some, else those of the first
        /// matching profile with decisions.
        public var decisions: [AlertDecision]
        /// Each matching profile's name and notifications, in order.
        public var routes: [(profile: String, notifications: [String])]
        /// The backends the alert is stored in: the legacy `outputs` of the first matching
        /// profile that has them; nil when none has (every backend).
        public var outputs: [String]?
    }

    /// Reads and compiles `path`.
    /// - Throws: `ConfigError` naming the file, line, profile, filter and column.
    public static func load(
        path: String, history: any DecisionHistory, now: @escaping @Sendable () -> Int64
    ) throws -> Profiles {
        let text: String
        switch FileSystem.read(path) {
        case .success(let contents): text = contents
        case .failure(let error): throw ConfigError(file: path, line: nil, "cannot read the profiles: \(error)")
        }
        return try Profiles(text, file: path, environment: ProfileEnvironment.make(history: history, now: now))
    }

    /// Compiles the profiles of `text` (a multi-document YAML file) against `environment`.
    public init(_ text: String, file: String, environment: Environment) throws {
        let documents = try YAML.parseDocuments(text, file: file)
        guard !documents.isEmpty else {
            throw ConfigError(
                file: file, line: nil, "no profile: the Local API needs at least one (see config/profiles.yaml)")
        }
        self.file = file
        self.profiles = try documents.enumerated().map { index, node in
            let config = try ProfileConfig(node, index: index, file: file)
            return try Self.compile(config, index: index, file: file, environment: environment)
        }
    }

    private static func compile(_ config: ProfileConfig, index: Int, file: String, environment: Environment) throws
        -> Profile
    {
        let label = config.name.isEmpty ? "profile \(index + 1)" : "profile '\(config.name)'"
        func program(_ text: String, line: Int, what: String) throws -> Program {
            do {
                return try Program(text, environment: environment)
            } catch {
                let column = error.location.map { ", column \($0.column + 1)" } ?? ""
                throw ConfigError(
                    file: file, line: line, "\(label), \(what)\(column): \(error.message)\(error.snippet)")
            }
        }
        var filters: [Program] = []
        for (number, filter) in config.filters.enumerated() {
            let compiled = try program(filter.text, line: filter.line, what: "filter \(number + 1)")
            // CrowdSec finds a non-boolean filter only when an alert arrives; it can never work, so say it now.
            switch compiled.type {
            case .bool, .interface: break
            default:
                throw ConfigError(
                    file: file, line: filter.line,
                    "\(label), filter \(number + 1): it gives \(compiled.type), but a filter must give true or false")
            }
            filters.append(compiled)
        }
        let duration = try config.durationExpression.map { try program($0.text, line: $0.line, what: "duration_expr") }
        return Profile(
            config: config, filters: filters, durationExpression: duration,
            label: config.name.isEmpty ? "\(index + 1)" : config.name)
    }

    /// Runs the profiles over `alert`.
    /// - Parameter logger: receives `debug: true` profiles' filter results and duration_expr fallbacks.
    /// - Throws: ``ProfileError`` when a filter fails and its profile's `on_error` does not absorb it.
    public func evaluate(_ alert: Alert, logger: Logger) throws(ProfileError) -> Verdict {
        let alertValue = AlertObject.value(alert)
        let carriesDecisions = !(alert.decisions ?? []).isEmpty
        var verdict = Verdict(decisions: alert.decisions ?? [], routes: [])
        for profile in profiles {
            let log: (String) -> Void = { message in
                if profile.config.debug { logger.info("\(message)") } else { logger.warning("\(message)") }
            }
            var match: Profile.Match
            do {
                match = try profile.evaluate(alert, alertValue, log: log)
            } catch {
                switch profile.config.onError {
                case .fail: throw error
                case .apply:
                    logger.warning("applying profile '\(profile.label)' despite error: \(error.message)")
                    match = Profile.Match(matched: true, decisions: [])
                case .continue, .ignore:
                    logger.warning("skipping profile '\(profile.label)' after error: \(error.message)")
                    continue
                case .break:
                    logger.warning("stopping at profile '\(profile.label)' after error: \(error.message)")
                    return verdict
                }
            }
            guard match.matched else { continue }
            if !carriesDecisions && verdict.decisions.isEmpty { verdict.decisions = match.decisions }
            verdict.routes.append((profile.config.name, profile.config.notifications))
            if verdict.outputs == nil { verdict.outputs = profile.config.storingBackends }
            if profile.config.onSuccess == .break { break }
        }
        return verdict
    }
}
