import Glibc
import WardenConfig

/// Run as root, `warden` works as the user who owns the data folder (the folder of
/// `api.server.bouncers_file`, `/var/lib/warden` in the package), so the files it creates
/// there (the SQLite database and its `-wal` and `-shm` files, the bouncer keys, the
/// machines) belong to the daemon's user, who must write them later. Root-owned files in
/// that folder would leave the daemon unable to read its keys or store a ban.
///
/// The switch happens once the main config is read and before any backend is loaded or
/// data file opened: the user's groups, then its group and uid as the effective ids. Root
/// stays the real and saved uid, so a file root names on the command line (`machines add
/// -f FILE`) is written as root (``asInvoker(_:)``). A folder owned by root, or missing,
/// changes nothing. Commands that only edit files under `/etc/warden` (the allowlist) and
/// `warden run` (systemd starts it as its user) stay root.
enum DataFolderOwner {
    /// Becomes the owner of `folder` when this process is root and the folder is not root's.
    static func adopt(_ folder: String) throws {
        guard geteuid() == 0 else { return }
        var info = stat()
        guard stat(folder, &info) == 0, info.st_uid != 0 else { return }
        let uid = info.st_uid
        var gid = info.st_gid
        var name: String?
        if let entry = getpwuid(uid) {
            name = String(cString: entry.pointee.pw_name)
            gid = entry.pointee.pw_gid
        }
        let grouped = name.map { initgroups($0, gid) == 0 } ?? (setgroups(0, nil) == 0)
        guard grouped, setegid(gid) == 0, seteuid(uid) == 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure(
                description: "cannot switch to \(name ?? "uid \(uid)"), the owner of \(folder): \(reason); "
                    + "run the command as that user (runuser -u \(name ?? "USER") -- warden ...)")
        }
    }

    /// Runs `body` as root again when ``adopt(_:)`` switched, then goes back to the folder's owner.
    static func asInvoker<Result>(_ body: () throws -> Result) throws -> Result {
        let uid = geteuid()
        let gid = getegid()
        guard getuid() == 0, uid != 0 else { return try body() }
        guard seteuid(0) == 0, setegid(0) == 0 else {
            throw CommandFailure(description: "cannot act as root again: \(String(cString: strerror(errno)))")
        }
        defer {
            _ = setegid(gid)
            _ = seteuid(uid)
        }
        return try body()
    }
}
