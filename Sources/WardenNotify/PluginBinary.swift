import Glibc
import WardenConfig

/// A notification plugin's executable, found in `plugin_dir` and checked like a backend:
/// nobody but root or Warden's own user may have been able to write it, since Warden runs it.
public struct PluginBinary: Sendable, Equatable {
    public var type: String
    public var path: String

    /// The binary for `type` in `folder`: CrowdSec's name `notification-<type>` first, then
    /// Debian's `<type>` (its package ships `/usr/lib/crowdsec/plugins/http`).
    /// - Parameter allowUnsafeFiles: skip the owner and mode checks (development only).
    public static func find(type: String, in folder: String, allowUnsafeFiles: Bool) throws(PluginError) -> PluginBinary {
        let candidates = ["notification-\(type)", type].map { FileSystem.join(folder, $0) }
        guard let path = candidates.first(where: { access($0, F_OK) == 0 }) else {
            throw PluginError(
                .badConfig,
                "no plugin for notification type '\(type)': neither \(candidates[0]) nor \(candidates[1]) exists; "
                    + "install the plugin or set plugin_dir to the folder that holds it")
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw PluginError(.badConfig, "plugin \(path) is not a regular file; point plugin_dir at the plugin binaries")
        }
        guard access(path, X_OK) == 0 else {
            throw PluginError(.badConfig, "plugin \(path) is not executable; run 'chmod 755' on it")
        }
        if !allowUnsafeFiles {
            if info.st_mode & 0o022 != 0 {
                throw PluginError(
                    .badConfig,
                    "plugin \(path) is writable by group or others (mode \(String(info.st_mode & 0o7777, radix: 8))); "
                        + "run 'chmod go-w' on it, or set \(PluginError.allowUnsafeVariable)=1 for development")
            }
            if info.st_uid != 0 && info.st_uid != geteuid() {
                throw PluginError(
                    .badConfig,
                    "plugin \(path) is owned by uid \(info.st_uid), not by root or the current user (uid \(geteuid())); "
                        + "chown it, or set \(PluginError.allowUnsafeVariable)=1 for development")
            }
        }
        return PluginBinary(type: type, path: path)
    }
}
