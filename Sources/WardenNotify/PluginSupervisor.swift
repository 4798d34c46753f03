import GRPCCore
import Logging
import Synchronization

/// What a plugin is doing, for `warden notifications list`.
public enum PluginState: Sendable, Equatable {
    case notStarted
    case starting
    case running(pid: Int32)
    /// Waiting to start again after a crash, a hang or a failed start.
    case restarting(failures: Int)
    case stopped
}

/// Keeps one plugin binary running for every notification of its type: starts it on
/// first use, configures each notification once per process, restarts it with backoff
/// when it crashes or stops answering, and stops it. Callers waiting for a plugin that
/// is restarting wait: their notifications are not lost meanwhile.
actor PluginSupervisor {
    struct Running: Sendable {
        let process: PluginProcess
        let connection: PluginConnection
        let generation: Int
    }

    let binary: PluginBinary
    private let configs: [NotificationConfig]
    private let socketDirectory: String
    private let identity: PluginIdentity?
    private let settings: NotificationSettings
    private let logger: Logger

    private var current: Running?
    private var starting: Task<Running, any Error>?
    private var generation = 0
    /// Failures since the last successful call, for the restart backoff.
    private var failures = 0
    private var stopped = false
    /// Read without waiting for the actor, by `warden notifications list`.
    nonisolated let state = Mutex(PluginState.notStarted)
    nonisolated let restarts = Mutex(0)

    init(
        binary: PluginBinary, configs: [NotificationConfig], socketDirectory: String, identity: PluginIdentity?,
        settings: NotificationSettings, logger: Logger
    ) {
        self.binary = binary
        self.configs = configs
        self.socketDirectory = socketDirectory
        self.identity = identity
        self.settings = settings
        self.logger = logger
    }

    /// Sends `text` to the notification `name` with one attempt's deadline; waits first for
    /// the plugin to be running (that wait is not part of the attempt).
    /// - Throws: the call's error; a crash or hang has already scheduled a restart.
    func notify(text: String, name: String, timeout: Duration) async throws {
        let running = try await ready()
        do {
            try await running.connection.notify(text: text, name: name, timeout: timeout)
            failures = 0
        } catch {
            let died = (error as? RPCError)?.code == .unavailable || running.process.hasExited
            await failed(running, error)
            throw died ? PluginDied(callError: error) : error
        }
    }

    /// Tries once to start the plugin now rather than at the first notification, so a broken
    /// set-up shows at boot; a failure is logged, and the first notification tries again.
    func warmUp() async {
        guard current == nil, starting == nil, !stopped else { return }
        let task = Task { try await self.launchUntilRunning(tries: 1) }
        starting = task
        defer { starting = nil }
        do {
            _ = try await task.value
        } catch {
            // Not `starting`: nothing is, until a notification is due.
            state.withLock { $0 = stopped ? .stopped : .notStarted }
            logger.error("\(error); trying again when a notification is due", metadata: ["plugin": "\(binary.path)"])
        }
    }

    /// Asks the plugin to shut down, waits `exitGrace`, kills it if needed, removes its socket.
    func stop() async {
        stopped = true
        starting?.cancel()
        state.withLock { $0 = .stopped }
        guard let running = current else { return }
        current = nil
        await running.connection.requestShutdown(timeout: settings.controlTimeout)
        running.connection.close()
        await running.process.stop(grace: settings.exitGrace)
        logger.info("plugin stopped", metadata: ["plugin": "\(binary.path)", "pid": "\(running.process.pid)"])
    }

    /// The running plugin, started (or restarted) when there is none.
    private func ready() async throws -> Running {
        if let running = current {
            if !running.process.hasExited { return running }
            logger.warning(
                "plugin exited; restarting it", metadata: ["plugin": "\(binary.path)", "pid": "\(running.process.pid)"])
            await discard(running)
        }
        guard !stopped else { throw PluginError(.runtime, "plugin \(binary.path) is stopped: Warden is shutting down") }
        if let starting { return try await starting.value }
        let task = Task { try await self.launchUntilRunning() }
        starting = task
        defer { starting = nil }
        return try await task.value
    }

    /// Launches until a launch succeeds, or `tries` have failed (then throws the last error).
    private func launchUntilRunning(tries: Int = .max) async throws -> Running {
        var tried = 0
        while true {
            if failures > 0 {
                state.withLock { $0 = .restarting(failures: failures) }
                try await Task.sleep(for: backoff())
            }
            try Task.checkCancellation()
            state.withLock { $0 = .starting }
            do {
                let running = try await launch()
                current = running
                state.withLock { $0 = .running(pid: running.process.pid) }
                return running
            } catch {
                try Task.checkCancellation()
                failures += 1
                tried += 1
                if tried >= tries { throw error }
                logger.error("\(error); trying again in \(backoff())", metadata: ["plugin": "\(binary.path)"])
            }
        }
    }

    private func launch() async throws -> Running {
        let process = try await PluginProcess.start(
            binary: binary, socketDirectory: socketDirectory, identity: identity,
            handshakeTimeout: settings.handshakeTimeout, logger: logger)
        let connection: PluginConnection
        do {
            connection = try PluginConnection(socketPath: process.socketPath)
        } catch {
            await process.kill()
            throw PluginError(.runtime, "cannot connect to plugin \(binary.path) at \(process.socketPath): \(error)")
        }
        let serving: Bool
        do {
            serving = try await connection.isServing(timeout: settings.controlTimeout)
        } catch {
            serving = false
        }
        guard serving else {
            connection.close()
            await process.kill()
            throw PluginError(
                .runtime,
                "plugin \(binary.path) does not answer go-plugin's health check on \(process.socketPath); "
                    + "is it a CrowdSec notification plugin?")
        }
        for config in configs {
            do {
                try await connection.configure(yaml: config.pluginYAML, timeout: settings.controlTimeout)
            } catch {
                connection.close()
                await process.kill()
                throw PluginError(
                    .runtime,
                    "plugin \(binary.path) refused notification '\(config.name)' (\(config.file):\(config.line)): "
                        + "\(callErrorText(error)); check the plugin's keys in that file")
            }
        }
        generation += 1
        logger.info(
            "plugin started",
            metadata: [
                "plugin": "\(binary.path)", "pid": "\(process.pid)", "notifications": "\(configs.map(\.name))",
            ])
        return Running(process: process, connection: connection, generation: generation)
    }

    /// A call failed: a plugin that died or stopped answering is killed and restarted;
    /// an error the plugin itself returned (UNKNOWN, e.g. its webhook refused) says nothing
    /// about the process, which stays.
    private func failed(_ running: Running, _ error: any Error) async {
        if let rpc = error as? RPCError, rpc.code == .unknown { return }
        guard current?.generation == running.generation else { return }
        failures += 1
        restarts.withLock { $0 += 1 }
        logger.warning(
            "plugin failed a call (\(callErrorText(error))); killing and restarting it",
            metadata: ["plugin": "\(binary.path)", "pid": "\(running.process.pid)"])
        await discard(running)
    }

    private func discard(_ running: Running) async {
        current = nil
        running.connection.close()
        await running.process.kill()
        state.withLock { $0 = .restarting(failures: failures) }
    }

    private func backoff() -> Duration {
        let doublings = min(max(failures - 1, 0), 16)
        return min(settings.restartBackoff * (1 << doublings), settings.maximumRestartBackoff)
    }
}

/// A call that failed because the plugin process died under it (a restart is under way).
struct PluginDied: Error {
    var callError: any Error
}

/// An RPC error as `DEADLINE_EXCEEDED: message`, anything else as it describes itself.
func callErrorText(_ error: any Error) -> String {
    if let died = error as? PluginDied { return "the plugin died: \(callErrorText(died.callError))" }
    guard let rpc = error as? RPCError else { return "\(error)" }
    return "\(rpc.code): \(rpc.message)"
}
