import Glibc

/// One file per process that a target rewrites with each input, for the parsers that
/// read a path (allowlist, bouncer and machine files, the main config). Kept in /dev/shm
/// when it exists so an input costs no disk write.
public enum ScratchFile {
    public static let path: String = {
        let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        return "\(folder)/warden-fuzz-\(getpid())"
    }()

    private static let cleanUp: Void = { atexit { unlink(ScratchFile.path) } }()

    /// Replaces the file's contents with `bytes`; returns the path.
    public static func write(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
        _ = cleanUp
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot open the scratch file \(path)")
        var done = 0
        while done < size {
            let n = Glibc.write(fd, data! + done, size - done)
            precondition(n > 0, "cannot write the scratch file \(path)")
            done += n
        }
        close(fd)
        return path
    }
}
