/// Where the daemon finds notifications and the plugins that deliver them, under
/// CrowdSec's keys, so a CrowdSec `config.yaml` section moves over as it is:
///
/// ```yaml
/// config_paths:
///   notification_dir: ./notifications      # default: notifications beside the main config
///   plugin_dir: /usr/lib/crowdsec/plugins  # Debian's crowdsec package installs the plugins here
/// plugin_config:
///   user: nobody                           # both or neither: plugins run as this user and group
///   group: nogroup
/// ```
public struct NotificationPaths: Sendable, Equatable {
    /// Where Debian's `crowdsec` package installs the notification plugins.
    public static let defaultPluginFolder = "/usr/lib/crowdsec/plugins"

    /// The folder of `notifications/*.yaml` (`config_paths.notification_dir`).
    public var notificationFolder: String
    /// The folder of the plugin binaries (`config_paths.plugin_dir`).
    public var pluginFolder: String
    /// `plugin_config.user`, or nil to run plugins as Warden's own user.
    public var pluginUser: String?
    /// `plugin_config.group`, set whenever ``pluginUser`` is.
    public var pluginGroup: String?

    public init(
        notificationFolder: String, pluginFolder: String = Self.defaultPluginFolder, pluginUser: String? = nil,
        pluginGroup: String? = nil
    ) {
        self.notificationFolder = notificationFolder
        self.pluginFolder = pluginFolder
        self.pluginUser = pluginUser
        self.pluginGroup = pluginGroup
    }

    /// Reads `config_paths` and `plugin_config` from the main config's root; relative
    /// folders are resolved against `base`, the main config's folder.
    /// - Throws: ``ConfigError`` naming the file, the line and the key.
    static func parse(_ root: YAMLNode, base: String, file: String) throws(ConfigError) -> NotificationPaths {
        var paths = NotificationPaths(notificationFolder: FileSystem.join(base, "notifications"))
        if let section = try mapping(root, "config_paths", file: file) {
            if let folder = try text(section, "notification_dir", in: "config_paths", naming: "a folder", file: file) {
                paths.notificationFolder = FileSystem.resolve(folder, against: base)
            }
            if let folder = try text(section, "plugin_dir", in: "config_paths", naming: "a folder", file: file) {
                paths.pluginFolder = FileSystem.resolve(folder, against: base)
            }
        }
        if let section = try mapping(root, "plugin_config", file: file) {
            paths.pluginUser = try text(section, "user", in: "plugin_config", naming: "a user", file: file)
            paths.pluginGroup = try text(section, "group", in: "plugin_config", naming: "a group", file: file)
            if (paths.pluginUser == nil) != (paths.pluginGroup == nil) {
                throw ConfigError(
                    file: file, line: section.line,
                    "'plugin_config' needs both 'user' and 'group' (plugins run as that user and group), or neither")
            }
        }
        return paths
    }

    private static func mapping(_ root: YAMLNode, _ key: String, file: String) throws(ConfigError) -> YAMLNode? {
        guard let section = root[key] else { return nil }
        guard case .mapping = section.value else {
            throw ConfigError(file: file, line: section.line, "'\(key)' must be a mapping, found \(section.kind)")
        }
        return section
    }

    private static func text(
        _ section: YAMLNode, _ key: String, in parent: String, naming what: String, file: String
    ) throws(ConfigError) -> String? {
        guard let node = section[key] else { return nil }
        guard let value = node.scalar, !value.isEmpty else {
            throw ConfigError(file: file, line: node.line, "'\(parent).\(key)' must name \(what)")
        }
        return value
    }
}
