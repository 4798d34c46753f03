import Glibc
import Logging
import Synchronization

/// One running plugin: spawned with go-plugin's environment, its handshake line read,
/// its stdout and stderr drained on threads of their own (a full pipe would stall it),
/// its exit reaped. The gRPC side is ``PluginConnection``.
final class PluginProcess: Sendable {
    let binary: PluginBinary
    let pid: pid_t
    /// The unix socket the plugin serves gRPC on, from its handshake.
    let socketPath: String
    private let watch: ProcessWatch

    private init(binary: PluginBinary, pid: pid_t, socketPath: String, watch: ProcessWatch) {
        self.binary = binary
        self.pid = pid
        self.socketPath = socketPath
        self.watch = watch
    }

    /// Whether the process has ended (crashed, killed, or shut down).
    var hasExited: Bool { watch.state.withLock { $0.exitStatus != nil } }

    /// Starts `binary` and waits for its handshake.
    /// - Parameters:
    ///   - socketDirectory: the plugin's `TMPDIR`, where go-plugin puts its socket.
    ///   - identity: the user and group to run it as, if not Warden's own.
    /// - Throws: ``PluginError`` when it cannot start, exits, or prints no valid handshake in time.
    static func start(
        binary: PluginBinary, socketDirectory: String, identity: PluginIdentity?, handshakeTimeout: Duration,
        logger: Logger
    ) async throws -> PluginProcess {
        let watch = ProcessWatch()
        let pid = try spawn(binary: binary, socketDirectory: socketDirectory, identity: identity, watch: watch, logger: logger)
        let deadline = ContinuousClock.now + handshakeTimeout
        // Polled: a start happens once per plugin launch and takes tens of milliseconds.
        var exitSeen: ContinuousClock.Instant?
        while true {
            let (line, exit, outputClosed) = watch.state.withLock { ($0.handshake, $0.exitStatus, $0.outputClosed) }
            if let line {
                do {
                    let socket = try parseHandshake(line, binary: binary)
                    return PluginProcess(binary: binary, pid: pid, socketPath: socket, watch: watch)
                } catch {
                    Glibc.kill(pid, SIGKILL)
                    throw error
                }
            }
            // A plugin that printed a line and exited: its line is judged, not its exit, once
            // its output is read to the end (or, should a child of it hold that open, soon after).
            if exit != nil, exitSeen == nil { exitSeen = ContinuousClock.now }
            if let exit, let exitSeen, outputClosed || ContinuousClock.now - exitSeen > .milliseconds(200) {
                throw PluginError(
                    .runtime,
                    "plugin \(binary.path) exited (\(describe(exit))) before its handshake; its log lines above say why")
            }
            if ContinuousClock.now >= deadline {
                Glibc.kill(pid, SIGKILL)
                throw PluginError(
                    .runtime,
                    "plugin \(binary.path) printed no handshake within \(handshakeTimeout); it was killed. "
                        + "Is it a CrowdSec notification plugin?")
            }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                Glibc.kill(pid, SIGKILL)
                throw error
            }
        }
    }

    /// Waits up to `grace` for the process to end by itself, then kills it; removes its socket.
    func stop(grace: Duration) async {
        if await !waitForExit(within: grace) {
            Glibc.kill(pid, SIGKILL)
            _ = await waitForExit(within: .seconds(5))
        }
        unlink(socketPath)
    }

    /// Kills the process at once (a hung or broken plugin) and removes its socket,
    /// which go-plugin leaves behind when killed.
    func kill() async {
        Glibc.kill(pid, SIGKILL)
        _ = await waitForExit(within: .seconds(5))
        unlink(socketPath)
    }

    private func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !hasExited {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// `1|1|unix|/tmp/plugin123|grpc|`: core protocol 1, app protocol 1, a unix socket, gRPC.
    static func parseHandshake(_ line: String, binary: PluginBinary) throws(PluginError) -> String {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count >= 5, fields[0] == "1", fields[1] == "1", fields[2] == "unix", fields[4] == "grpc",
              !fields[3].isEmpty
        else {
            throw PluginError(
                .runtime,
                "plugin \(binary.path) answered with \"\(line.prefix(200))\", not a handshake like "
                    + "1|1|unix|/tmp/plugin1|grpc|; is it a CrowdSec notification plugin for this system?")
        }
        return String(fields[3])
    }

    private static func spawn(
        binary: PluginBinary, socketDirectory: String, identity: PluginIdentity?, watch: ProcessWatch, logger: Logger
    ) throws(PluginError) -> pid_t {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard pipe(&output) == 0, pipe(&errors) == 0 else {
            throw PluginError(.runtime, "cannot start plugin \(binary.path): pipe failed: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec, so no other child (another plugin) inherits these pipes and keeps
        // them open past this plugin's exit. (Glibc's pipe2 is not visible to Swift; a
        // spawn on another thread between the two calls is the only, harmless, window.)
        for fd in output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)

        // Default signal handling and a process group of its own: the daemon ignores
        // SIGPIPE (NIO does), which a child would inherit, and a Ctrl-C in a terminal
        // is for Warden, which stops its plugins itself.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let arguments = (identity?.commandPrefix ?? []) + [binary.path]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var env: [UnsafeMutablePointer<CChar>?] = pluginEnvironment(socketDirectory: socketDirectory).map { strdup($0) } + [nil]
        defer { env.forEach { free($0) } }

        var pid = pid_t()
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, &env)
        close(output[1])
        close(errors[1])
        guard status == 0 else {
            close(output[0])
            close(errors[0])
            throw PluginError(.runtime, "cannot start plugin \(binary.path): \(String(cString: strerror(status)))")
        }
        let plugin = binary.type
        let (outputFD, errorFD, child) = (output[0], errors[0], pid)
        startDetachedThread {
            readLines(from: outputFD) { line in
                let first = watch.state.withLock { state in
                    if state.handshake == nil { state.handshake = line; return true }
                    return false
                }
                if !first { logger.debug("\(line)", metadata: ["plugin": "\(plugin)", "stream": "stdout"]) }
            }
            watch.state.withLock { $0.outputClosed = true }
        }
        startDetachedThread {
            readLines(from: errorFD) { PluginLogRelay.relay($0, plugin: plugin, logger: logger) }
        }
        startDetachedThread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
            watch.state.withLock { $0.exitStatus = status }
        }
        return pid
    }

    /// Warden's environment without what go-plugin reads, plus the handshake settings:
    /// a fresh cookie per launch (the plugin accepts any non-empty one), protocol 1, and
    /// `TMPDIR`, where the plugin creates its socket.
    private static func pluginEnvironment(socketDirectory: String) -> [String] {
        let ours = ["CROWDSEC_PLUGIN_KEY", "PLUGIN_PROTOCOL_VERSIONS", "TMPDIR", "PLUGIN_MIN_PORT", "PLUGIN_MAX_PORT"]
        var entries: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if !ours.contains(key) { entries.append(text) }
            cursor += 1
        }
        return entries + [
            "CROWDSEC_PLUGIN_KEY=\(randomCookie())", "PLUGIN_PROTOCOL_VERSIONS=1", "TMPDIR=\(socketDirectory)",
            "PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000",
        ]
    }

    /// A UUID-like random text; the plugin only checks it is not empty.
    private static func randomCookie() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = String(generator.next() as UInt32, radix: 16)
            return String(repeating: "0", count: 8 - word.count) + word
        }.joined(separator: "-")
    }
}

/// What the threads watching a process have seen.
final class ProcessWatch: Sendable {
    struct State {
        var handshake: String?
        var exitStatus: Int32?
        /// Its standard output was read to the end: every line it printed is seen.
        var outputClosed = false
    }

    let state = Mutex(State())
}

/// `exit status 1`, `killed by signal 9`, from a `waitpid` status.
func describe(_ status: Int32) -> String {
    let signal = status & 0x7F
    return signal == 0 ? "exit status \((status >> 8) & 0xFF)" : "killed by signal \(signal)"
}
