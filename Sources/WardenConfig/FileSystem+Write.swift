import Glibc

extension FileSystem {
    /// Replaces `path` with `text` so that a reader or a crash sees the old file or the
    /// new one, never a mix: write a temporary file beside it, fsync, rename, fsync the
    /// folder. The file gets `mode` (keys and digests: 0600).
    ///
    /// A `path` that is not a regular file (`/dev/null`, `/dev/stdout`, a pipe) is written
    /// in place: renaming over it would replace a device with a file.
    public static func writeAtomically(_ text: String, to path: String, mode: mode_t = 0o600) -> Result<Void, SystemError> {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard fd >= 0 else { return .failure(SystemError()) }
            defer { close(fd) }
            return writeAll(Array(text.utf8), to: fd)
        }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { return .failure(SystemError()) }
        if case .failure(let error) = writeAll(Array(text.utf8), to: fd) {
            close(fd)
            unlink(temporary)
            return .failure(error)
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            let error = SystemError()
            unlink(temporary)
            return .failure(error)
        }
        guard rename(temporary, path) == 0 else {
            let error = SystemError()
            unlink(temporary)
            return .failure(error)
        }
        let folder = open(self.folder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return .success(())
    }

    /// Writes every byte of `bytes` to `fd`.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Result<Void, SystemError> {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return .failure(SystemError()) }
            offset += n
        }
        return .success(())
    }

    /// Runs `body` while holding an exclusive `flock` on `lockPath` (created if
    /// missing), so two processes never read-modify-write the same file at once.
    public static func withExclusiveLock<R>(_ lockPath: String, _ body: () throws -> R) throws -> R {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError() }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw SystemError() }
        }
        return try body()
    }

    /// The change time and inode of `path`, to notice a rewrite cheaply; nil when missing.
    public static func version(of path: String) -> FileVersion? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileVersion(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedNs: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}

/// What identifies one version of a file for ``FileSystem/version(of:)``.
public struct FileVersion: Sendable, Equatable {
    public var inode: UInt64
    public var size: Int64
    public var modifiedNs: Int64
}
