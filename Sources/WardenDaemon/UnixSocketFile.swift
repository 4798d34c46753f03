import Glibc

/// The file of `api.server.listen_socket`: made ready before the server binds it, opened
/// to the group once it listens, removed at shutdown.
enum UnixSocketFile {
    /// Clears the way for binding `path`: a socket nobody serves on (left by a daemon that
    /// died) is removed.
    /// - Throws: ``DaemonError`` when another process serves on it, when something other
    ///   than a socket is there, or when its folder is missing.
    static func prepare(_ path: String) throws(DaemonError) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var info = stat()
        guard stat(folder.isEmpty ? "/" : folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw DaemonError(
                "cannot serve the Local API on \(path): the folder \(folder) does not exist; create it (systemd: RuntimeDirectory=) or change api.server.listen_socket")
        }
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonError(
                "cannot serve the Local API on \(path): a file that is not a socket is there; remove it or change api.server.listen_socket")
        }
        if answers(path) {
            throw DaemonError(
                "cannot serve the Local API on \(path): another process serves on that socket; stop it or change api.server.listen_socket")
        }
        unlink(path)
    }

    /// Lets the owner and the group connect (0660): who may reach the API this way is
    /// who may open the file.
    static func open(_ path: String) {
        chmod(path, 0o660)
    }

    /// Removes the socket file at shutdown.
    static func remove(_ path: String) {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
    }

    /// Whether a process accepts connections on the socket `path`.
    private static func answers(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }
}
