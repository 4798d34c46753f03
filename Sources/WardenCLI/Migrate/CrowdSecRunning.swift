import Glibc
import WardenConfig

/// Whether the CrowdSec to migrate from still runs: a migration reads a database that a
/// running Local API keeps changing, and Warden is to take over its address.
enum CrowdSecRunning {
    /// Why the migration must not run now, or nil: a process named `crowdsec` started with
    /// this config or holding its database open, or something accepting connections on
    /// its `listen_uri`.
    static func refusal(config: CrowdSecConfig, proc: String = "/proc") -> String? {
        let configPath = realPath(config.path)
        var databasePath: String? = nil
        if case .sqlite(let path) = config.database { databasePath = realPath(path) }
        for pid in processes(named: "crowdsec", proc: proc) {
            let arguments = commandLine(pid, proc: proc)
            // A relative -c is relative to that process's working folder.
            var named = configArgument(arguments) ?? CrowdSecConfig.defaultPath
            if !named.hasPrefix("/") { named = "\(proc)/\(pid)/cwd/\(named)" }
            let used = realPath(named)
            if used == configPath {
                return "crowdsec (pid \(pid)) runs with \(config.path)"
            }
            if let databasePath, openFiles(pid, proc: proc).contains(databasePath) {
                return "crowdsec (pid \(pid)) has its database \(databasePath) open"
            }
        }
        if let listen = config.listenURI, let (host, port) = hostAndPort(listen), accepts(host: host, port: port) {
            return "\(listen) (its api.server.listen_uri) accepts connections, so its Local API may still run"
        }
        return nil
    }

    /// The host and port of a Go listen address (`127.0.0.1:8080`, `[::1]:8080`, `:8080`).
    static func hostAndPort(_ listen: String) -> (host: String, port: Int)? {
        if listen.hasPrefix(":"), let port = Int(listen.dropFirst()) { return ("", port) }
        return APIConfig.hostAndPort(of: listen)
    }

    /// The pids whose `comm` is `name`.
    static func processes(named name: String, proc: String) -> [Int] {
        guard let folder = opendir(proc) else { return [] }
        defer { closedir(folder) }
        var pids: [Int] = []
        while let entry = readdir(folder) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int(entryName) else { continue }
            guard case .success(let comm) = FileSystem.read("\(proc)/\(pid)/comm") else { continue }
            if comm.split(separator: "\n").first.map(String.init) == name { pids.append(pid) }
        }
        return pids.sorted()
    }

    /// The arguments of `pid`'s command line.
    static func commandLine(_ pid: Int, proc: String) -> [String] {
        guard case .success(let text) = FileSystem.read("\(proc)/\(pid)/cmdline") else { return [] }
        return text.split(separator: "\0").map(String.init)
    }

    /// The config a `crowdsec` command line names (`-c PATH`, `-c=PATH`, `--c PATH`), nil for its default.
    static func configArgument(_ arguments: [String]) -> String? {
        var index = 1
        while index < arguments.count {
            let word = arguments[index]
            if word == "-c" || word == "--c" {
                return index + 1 < arguments.count ? arguments[index + 1] : nil
            }
            for prefix in ["-c=", "--c="] where word.hasPrefix(prefix) { return String(word.dropFirst(prefix.count)) }
            index += 1
        }
        return nil
    }

    /// The files `pid` has open (empty when this user may not look).
    static func openFiles(_ pid: Int, proc: String) -> Set<String> {
        let folder = "\(proc)/\(pid)/fd"
        guard let handle = opendir(folder) else { return [] }
        defer { closedir(handle) }
        var files: Set<String> = []
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard Int(name) != nil else { continue }
            let count = readlink("\(folder)/\(name)", &buffer, buffer.count - 1)
            guard count > 0 else { continue }
            files.insert(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return files
    }

    /// `path` with its links resolved, or as given when it does not exist.
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether a TCP connection to `host`:`port` succeeds within a second.
    static func accepts(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let name = host.isEmpty || host == "0.0.0.0" ? "127.0.0.1" : (host == "::" ? "::1" : host)
        guard getaddrinfo(name, String(port), &hints, &list) == 0, let list else { return false }
        defer { freeaddrinfo(list) }
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
            guard errno == EINPROGRESS else { continue }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, 1000) == 1 else { continue }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0, failure == 0 { return true }
        }
        return false
    }
}
