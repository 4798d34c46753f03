import Glibc

/// The few file-system operations the host needs, on Glibc (no Foundation,
/// which would cost the CLI ≈ 4 ms of start-up).
public enum FileSystem {
    /// The whole file as UTF-8 text; nil with `errno` text when it cannot be read.
    public static func read(_ path: String) -> Result<String, SystemError> {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The whole file's bytes; nil with `errno` text when it cannot be read.
    public static func readBytes(_ path: String) -> Result<[UInt8], SystemError> {
        guard let file = fopen(path, "rb") else { return .failure(SystemError()) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(file) != 0 { return .failure(SystemError()) }
                break
            }
        }
        return .success(bytes)
    }

    /// Whether anything (file, folder, link to one) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` names a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Regular files below `folder` (recursively) whose name ends with one of
    /// `suffixes`, sorted by path so the load order is stable.
    public static func files(in folder: String, suffixes: [String]) -> [String] {
        var found: [String] = []
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") { continue }
            let path = join(folder, name)
            if isDirectory(path) {
                found += files(in: path, suffixes: suffixes)
            } else if suffixes.contains(where: { name.hasSuffix($0) }) {
                found.append(path)
            }
        }
        return found.sorted()
    }

    /// `base/relative`, or `relative` when it is already absolute, with `.` and
    /// `dir/..` segments folded away.
    public static func resolve(_ relative: String, against base: String) -> String {
        normalize(relative.hasPrefix("/") ? relative : join(base, relative))
    }

    /// Folds `.` and `name/..` segments out of `path`, lexically.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == ".." && path.hasPrefix("/") {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if path.hasPrefix("/") { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The folder part of `path` (`.` when none).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Joins two path parts with one slash, dropping a leading `./` of the second.
    public static func join(_ a: String, _ b: String) -> String {
        let tail = b.hasPrefix("./") ? String(b.dropFirst(2)) : b
        if a.isEmpty || a == "." { return tail }
        return a.hasSuffix("/") ? a + tail : a + "/" + tail
    }
}

/// An `errno` captured right after a failed call, with its text.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public var code: Int32

    public init(code: Int32 = errno) {
        self.code = code
    }

    public var description: String { String(cString: strerror(code)) }
}
