import Glibc

/// The user and group plugins run as (`plugin_config.user`/`group`), so a plugin that
/// talks to the network holds no more rights than it needs, whoever runs Warden.
public struct PluginIdentity: Sendable, Equatable {
    public var user: String
    public var group: String
    public var uid: uid_t
    public var gid: gid_t

    /// Looks both names up in the system's user and group databases.
    /// - Throws: ``PluginError`` naming the one that does not exist.
    public static func resolve(user: String, group: String) throws(PluginError) -> PluginIdentity {
        guard let account = getpwnam(user) else {
            throw PluginError(.badConfig, "plugin_config.user '\(user)' is not a user on this system; create it or name another")
        }
        guard let entry = getgrnam(group) else {
            throw PluginError(.badConfig, "plugin_config.group '\(group)' is not a group on this system; create it or name another")
        }
        return PluginIdentity(user: user, group: group, uid: account.pointee.pw_uid, gid: entry.pointee.gr_gid)
    }

    /// The plugin is started through util-linux's `setpriv` (in every Debian install):
    /// changing identity between fork and exec is not something Swift code may do, and
    /// posix_spawn cannot. Supplementary groups are cleared: CrowdSec keeps its own
    /// (root's) ones, which would leave the plugin root's group rights.
    var commandPrefix: [String] {
        ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]
    }
}
