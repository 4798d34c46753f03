import Glibc
import Logging
import Synchronization

/// Warden's notifications: one queue and delivery loop per notification, one supervised
/// plugin process per plugin type. The daemon makes one from the notifications its
/// profiles name, calls ``start()``, hands alerts to ``enqueue(_:to:)`` (which never
/// waits), and calls ``shutdown(within:)`` on SIGTERM.
public final class NotificationHub: Sendable {
    private let channels: [String: NotificationChannel]
    private let supervisors: [PluginSupervisor]
    private let socketDirectory: String
    private let identity: PluginIdentity?
    private let spool: NotificationSpool?
    private let logger: Logger
    private let loops = Mutex<[Task<Void, Never>]>([])

    /// Finds a plugin binary for every type `configs` use and checks it, starting nothing yet.
    /// - Parameters:
    ///   - pluginDirectory: `plugin_dir`, holding `notification-<type>` or `<type>` binaries.
    ///   - identity: `plugin_config.user`/`group`, or nil to run plugins as Warden's user.
    ///   - allowUnsafeFiles: skip the plugin binaries' owner and mode checks (development only).
    ///   - observer: told each outcome as it happens (the daemon counts them in its metrics).
    ///   - spool: where shutdown keeps what it has no time to send; ``start()`` sends it.
    /// - Throws: ``PluginError`` for a missing or unsafe binary, or a socket folder it cannot make.
    public init(
        configs: [NotificationConfig], pluginDirectory: String, identity: PluginIdentity?,
        settings: NotificationSettings = NotificationSettings(), allowUnsafeFiles: Bool = false,
        observer: NotificationObserver? = nil, spool: NotificationSpool? = nil, logger: Logger
    ) throws(PluginError) {
        var template = Array("/tmp/warden-plugins.XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw PluginError(
                .runtime, "cannot make a folder for plugin sockets in /tmp: \(String(cString: strerror(errno)))")
        }
        let socketDirectory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // go-plugin creates its socket in this folder, as the plugin's user.
        if let identity { chown(socketDirectory, identity.uid, identity.gid) }
        var channels: [String: NotificationChannel] = [:]
        var supervisors: [PluginSupervisor] = []
        for type in Set(configs.map(\.type)).sorted() {
            let binary: PluginBinary
            do {
                binary = try PluginBinary.find(type: type, in: pluginDirectory, allowUnsafeFiles: allowUnsafeFiles)
            } catch {
                rmdir(socketDirectory)
                throw error
            }
            let ofType = configs.filter { $0.type == type }
            logger.info(
                "notification plugin picked",
                metadata: ["type": "\(type)", "plugin": "\(binary.path)", "notifications": "\(ofType.map(\.name))"])
            let supervisor = PluginSupervisor(
                binary: binary, configs: ofType, socketDirectory: socketDirectory, identity: identity,
                settings: settings, logger: logger)
            supervisors.append(supervisor)
            for config in ofType {
                channels[config.name] = NotificationChannel(
                    config: config, supervisor: supervisor, settings: settings, observer: observer, spool: spool,
                    logger: logger)
            }
        }
        self.channels = channels
        self.supervisors = supervisors
        self.socketDirectory = socketDirectory
        self.identity = identity
        self.spool = spool
        self.logger = logger
    }

    /// Starts the plugins and the delivery loops; returns once every plugin has started or failed its first start.
    public func start() async {
        queueKeptAlerts()
        loops.withLock { loops in
            loops = channels.values.map { channel in Task { await channel.run() } }
        }
        await withDiscardingTaskGroup { group in
            for supervisor in supervisors { group.addTask { await supervisor.warmUp() } }
        }
    }

    /// Queues again what the last shutdown kept in the spool (and empties it).
    private func queueKeptAlerts() {
        guard let spool else { return }
        let (kept, unreadable, error) = spool.takeAll()
        if let error { logger.error("notifications kept at the last shutdown: \(error)") }
        if unreadable > 0 { logger.error("\(unreadable) line(s) of \(spool.path) do not parse: those alerts are not resent") }
        guard !kept.isEmpty else { return }
        var orphans: [String: [Int64]] = [:]
        for (name, alert) in kept {
            if let channel = channels[name] { channel.enqueue(alert) } else { orphans[name, default: []].append(alert.id) }
        }
        logger.info("\(kept.count - orphans.values.map(\.count).reduce(0, +)) alert(s) kept at the last shutdown queued again")
        for (name, ids) in orphans.sorted(by: { $0.key < $1.key }) {
            let list = ids.map(String.init).joined(separator: ",")
            logger.error(
                "\(ids.count) alert(s) kept for notification '\(name)', which no profile names any more, are dropped; alert ids: \(list)")
        }
    }

    /// Queues `alert` for each notification in `names`, without waiting.
    /// A full queue drops it for that notification (counted and logged).
    public func enqueue(_ alert: NotifiedAlert, to names: [String]) {
        for name in names {
            guard let channel = channels[name] else {
                logger.error("alert \(alert.id) not queued: no notification is called '\(name)'")
                continue
            }
            channel.enqueue(alert)
        }
    }

    /// Every notification, its plugin and counts, sorted by name.
    public func status() -> [NotificationStatus] {
        channels.values.map { channel in
            let supervisor = supervisors.first { $0.binary.type == channel.config.type }!
            return NotificationStatus(
                name: channel.config.name, type: channel.config.type, plugin: supervisor.binary.path,
                state: supervisor.state.withLock { $0 }, restarts: supervisor.restarts.withLock { $0 },
                counts: channel.counts)
        }.sorted { $0.name < $1.name }
    }

    /// Sends what is pending (one more batch per notification, retries included) within
    /// `limit`; then logs and counts what is left, and stops the plugins.
    public func shutdown(within limit: Duration) async {
        let loops = loops.withLock { $0 }
        for channel in channels.values { channel.stop() }
        let supervisors = supervisors
        let inTime = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for loop in loops { await loop.value }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? true
            if !first {
                // Cancelled loops log what they hold; stopping the plugins releases
                // loops still waiting for one to restart.
                for loop in loops { loop.cancel() }
                for supervisor in supervisors { await supervisor.stop() }
            }
            group.cancelAll()
            return first
        }
        if inTime {
            for supervisor in supervisors { await supervisor.stop() }
        }
        rmdir(socketDirectory)
        let counts = status().map { "\($0.name): sent \($0.counts.sent), failed \($0.counts.failed), dropped \($0.counts.dropped)" }
        logger.info("notifications stopped", metadata: ["counts": "\(counts)"])
    }
}
