/// CrowdSec's `simulation.yaml` (`config_paths.simulation_path`): which scenarios are
/// only simulated. A simulated alert is stored with its decisions, which are never
/// enforced, so an operator can try a profile or a scenario before it bans anyone.
///
/// ```yaml
/// simulation: off          # on: every scenario is simulated, but the exclusions
/// exclusions:              # off: no scenario is, but the exclusions
///   - crowdsecurity/ssh-bf
/// ```
public struct SimulationConfig: Sendable, Equatable {
    /// `simulation`: whether scenarios are simulated by default.
    public var global: Bool
    /// `exclusions`: the scenarios that do the opposite of ``global``.
    public var exclusions: Set<String>

    public init(global: Bool = false, exclusions: Set<String> = []) {
        self.global = global
        self.exclusions = exclusions
    }

    /// Whether alerts of `scenario` are simulated: ``global``, turned over for an exclusion
    /// (CrowdSec's `IsSimulated`).
    public func isSimulated(scenario: String) -> Bool {
        global != exclusions.contains(scenario)
    }

    /// Reads the file at `path`.
    /// - Throws: ``ConfigError`` naming the file, the line and the key.
    public static func load(path: String) throws(ConfigError) -> SimulationConfig {
        let text: String
        switch FileSystem.read(path) {
        case .success(let read): text = read
        case .failure(let error):
            throw ConfigError(
                file: path, line: nil,
                "cannot read the simulation file: \(error); fix config_paths.simulation_path or create the file")
        }
        return try parse(text, file: path)
    }

    /// Reads the text of a simulation file; unknown keys are refused, as Go's strict YAML does.
    /// - Throws: ``ConfigError`` naming the file, the line and the key.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> SimulationConfig {
        let root: YAMLNode
        do {
            root = try YAML.parse(text, file: file)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(file: file, line: nil, "\(error)")
        }
        guard case .mapping(let pairs) = root.value else {
            throw ConfigError(file: file, line: root.line, "the simulation file must be a mapping, found \(root.kind)")
        }
        var config = SimulationConfig()
        for (key, line, node) in pairs {
            switch key {
            case "simulation":
                guard let text = node.scalar, let flag = goFlag(text) else {
                    throw ConfigError(
                        file: file, line: line, "'simulation' must be on or off (true/false, yes/no), found '\(node.scalar ?? node.kind)'")
                }
                config.global = flag
            case "exclusions":
                if node.scalar == "" { continue }  // `exclusions:` with nothing after it
                guard case .sequence(let items) = node.value else {
                    throw ConfigError(file: file, line: line, "'exclusions' must be a list of scenario names, found \(node.kind)")
                }
                for item in items {
                    guard let name = item.scalar, !name.isEmpty else {
                        throw ConfigError(file: file, line: item.line, "each exclusion must be a scenario name, found \(item.kind)")
                    }
                    config.exclusions.insert(name)
                }
            default:
                throw ConfigError(
                    file: file, line: line, "unknown key '\(key)' in the simulation file; it takes 'simulation' and 'exclusions'")
            }
        }
        return config
    }

    /// A boolean as Go's YAML v2 reads one.
    private static func goFlag(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES", "y", "Y": true
        case "false", "False", "FALSE", "off", "Off", "OFF", "no", "No", "NO", "n", "N": false
        default: nil
        }
    }
}
