import WardenBasics

/// The main configuration file (`-c`, default `/etc/warden/config.yaml`).
///
/// ```yaml
/// plugin:
///   backend: ./plugins/backend   # folder of backend YAML files, relative to this file
///   max_records: 10000           # injected into each backend's config unless it sets its own
///   max_records_age: 720h
/// allowlist:
///   file: ./allowlist            # what Warden never bans, relative to this file
/// ```
public struct MainConfig: Sendable {
    /// The default path of the main config.
    public static let defaultPath = "/etc/warden/config.yaml"

    /// Where the file was read from.
    public var path: String
    /// The folder holding the backend YAML files.
    public var backendFolder: String
    /// Values the host injects into each backend's config map unless it sets them.
    public var injected: [String: String]
    /// The daemon's API settings (`api.server`).
    public var api: APIConfig
    /// The allowlist file (`allowlist.file`, default `allowlist` beside this file).
    public var allowlistFile: String
    /// Where the daemon serves Prometheus metrics; nil when it serves none.
    public var prometheus: PrometheusConfig?
    /// Notification configs and plugins (`config_paths`, `plugin_config`).
    public var notifications: NotificationPaths
    /// CrowdSec's simulation file (`config_paths.simulation_path`); nil: `simulation.yaml`
    /// beside this file when there is one.
    public var simulationFile: String?

    /// Reads and checks the file.
    /// - Throws: ``ConfigError`` with the file and line of the problem.
    public static func load(path: String) throws -> MainConfig {
        let text: String
        switch FileSystem.read(path) {
        case .success(let t): text = t
        case .failure(let error):
            throw ConfigError(
                file: path, line: nil,
                "cannot read the main config: \(error); pass -c PATH or set WARDEN_CONFIG")
        }
        let root = try YAML.parse(text, file: path)
        guard case .mapping = root.value else {
            throw ConfigError(file: path, line: root.line, "the main config must be a mapping of keys, found \(root.kind)")
        }
        let base = FileSystem.folder(of: path)
        var folder = FileSystem.join(base, "plugins/backend")
        var injected: [String: String] = [:]
        if let plugin = root["plugin"] {
            guard case .mapping = plugin.value else {
                throw ConfigError(file: path, line: plugin.line, "'plugin' must be a mapping, found \(plugin.kind)")
            }
            if let node = plugin["backend"] {
                guard let value = node.scalar, !value.isEmpty else {
                    throw ConfigError(file: path, line: node.line, "'plugin.backend' must name a folder")
                }
                folder = FileSystem.resolve(value, against: base)
            }
            if let node = plugin["max_records"] {
                guard let value = node.scalar, let n = Int(value), n >= 0 else {
                    throw ConfigError(
                        file: path, line: node.line, "'plugin.max_records' must be a whole number of 0 or more")
                }
                injected["max_records"] = String(n)
            }
            if let node = plugin["max_records_age"] {
                guard let value = node.scalar, let ns = GoDuration.parse(value), ns >= 0 else {
                    throw ConfigError(
                        file: path, line: node.line,
                        "'plugin.max_records_age' must be a duration such as 720h or 1h30m")
                }
                injected["max_records_age"] = value
            }
        }
        let api = try APIConfig.parse(root, base: base, file: path)
        let allowlist = try allowlistFile(root, base: base, file: path)
        let prometheus = try PrometheusConfig.parse(root, file: path)
        let notifications = try NotificationPaths.parse(root, base: base, file: path)
        var config = MainConfig(
            path: path, backendFolder: folder, injected: injected, api: api, allowlistFile: allowlist,
            prometheus: prometheus, notifications: notifications)
        if let node = root["config_paths"]?["simulation_path"] {
            guard let value = node.scalar, !value.isEmpty else {
                throw ConfigError(file: path, line: node.line, "'config_paths.simulation_path' must name a file")
            }
            config.simulationFile = FileSystem.resolve(value, against: base)
        }
        return config
    }

    public init(
        path: String, backendFolder: String, injected: [String: String],
        api: APIConfig = APIConfig(host: "127.0.0.1", port: 8080, bouncersFile: APIConfig.defaultBouncersFile),
        allowlistFile: String? = nil,
        prometheus: PrometheusConfig? = nil, notifications: NotificationPaths? = nil
    ) {
        self.notifications = notifications
            ?? NotificationPaths(notificationFolder: FileSystem.join(FileSystem.folder(of: path), "notifications"))
        self.allowlistFile = allowlistFile ?? FileSystem.join(FileSystem.folder(of: path), "allowlist")
        self.path = path
        self.backendFolder = backendFolder
        self.injected = injected
        self.api = api
        self.prometheus = prometheus
    }
}
