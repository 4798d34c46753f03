import ArgumentParser
import Glibc
import WardenConfig

/// `warden notifications`: the notification configs, and a test send through one.
struct Notifications: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "Inspect and test notifications (CrowdSec's notification plugins).",
        subcommands: [List.self, Test.self])

    /// `warden notifications list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the notification configs, their plugins' state and what the daemon sent.",
            discussion: """
                Reads config_paths.notification_dir. The rest comes from the running daemon's metrics \
                endpoint, '-' when it does not answer: the plugin's state ('not started' when no profile \
                names the notification, or when its start at boot failed and no alert came since; 'starting'; \
                'running (pid N)'; 'restarting (N failures)' while it waits to start again after a crash, a \
                hang or a failed start; 'stopped' at shutdown), its restarts, and the alerts sent, failed \
                (given up after their retries), dropped (queue full) since the daemon started, and pending \
                (waiting for their batch).
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let main = try global.loadConfig()
            let rows = try NotificationFiles.read(main.notifications)
            let live = NotificationLive.read(main.prometheus)
            let table = rows.map { row -> [String] in
                // The daemon answers but has no series: it does not run this notification.
                let of = live.map { $0[row.name] ?? NotificationLive() }
                let show = { (value: (NotificationLive) -> String) in of.map(value) ?? "-" }
                let count = { (result: String) in show { String($0.counts[result] ?? 0) } }
                return [
                    row.name, row.type, row.plugin ?? "missing", row.file, show(\.stateText), show { String($0.restarts) },
                    count("sent"), count("failed"), count("dropped"), show { String($0.pending) },
                ]
            }
            let headers = ["name", "type", "plugin", "file", "state", "restarts", "sent", "failed", "dropped", "pending"]
            switch global.output {
            case .json:
                global.print(JSONText.array(of: table.map { row in
                    zip(headers, row).map { ($0.0, JSONText.string($0.1)) }
                }))
            case .raw:
                global.context.write(([headers.joined(separator: ",")] + table.map { CSVText.line($0) }).joined(separator: "\n") + "\n")
            case .human:
                guard !table.isEmpty else {
                    global.print("No notification configured in \(main.notifications.notificationFolder)")
                    return
                }
                global.context.write(TextTable(headers: headers.map { $0.uppercased() }, rows: table).render())
            }
        }
    }

    /// `warden notifications test NAME`
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "Send a sample alert through a notification's plugin (runs warden-daemon).",
            discussion: """
                Starts the notification's plugin, sends it one sample alert (a 4h ban of 192.0.2.1) rendered with \
                its format, and says whether the plugin accepted it. No profile needs to name the notification.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The notification's name (its 'name' key).") var name: String

        func run() throws {
            // The plugin speaks gRPC: warden-daemon does the work, so this CLI links no NIO.
            let daemon = Run.daemonPath()
            var arguments = [daemon, "test-notification", "--config", global.configPath]
            if global.debug { arguments.append("--debug") }
            arguments += ["--", name]
            let argv = arguments.map { strdup($0) } + [nil]
            execv(daemon, argv)
            let reason = String(cString: strerror(errno))
            throw CommandFailure(
                description: "cannot start \(daemon): \(reason); install warden-daemon beside warden (swift build --product warden-daemon)")
        }
    }
}

/// What `warden notifications list` reads of the notification files without loading the
/// notification engine: each document's name and type, the plugin binary the daemon would pick.
enum NotificationFiles {
    struct Row {
        var name: String
        var type: String
        /// The binary the daemon would run: `notification-<type>`, else `<type>`; nil when neither exists.
        var plugin: String?
        var file: String
    }

    /// - Throws: ``ConfigError`` for a file that is not YAML or a document that is not a mapping.
    static func read(_ paths: NotificationPaths) throws -> [Row] {
        var rows: [Row] = []
        for path in FileSystem.files(in: paths.notificationFolder, suffixes: [".yaml", ".yml"]) {
            let text: String
            switch FileSystem.read(path) {
            case .success(let read): text = read
            case .failure(let error): throw ConfigError(file: path, line: nil, "cannot read the file: \(error)")
            }
            for document in try YAML.parseDocuments(text, file: path) {
                guard case .mapping = document.value else {
                    throw ConfigError(
                        file: path, line: document.line,
                        "a notification must be a mapping (type, name, format, ...), not \(document.kind)")
                }
                let type = document["type"]?.scalar ?? ""
                let plugin = ["notification-\(type)", type].map { FileSystem.join(paths.pluginFolder, $0) }
                    .first { !type.isEmpty && access($0, X_OK) == 0 }
                rows.append(Row(name: document["name"]?.scalar ?? "", type: type, plugin: plugin, file: path))
            }
        }
        return rows
    }
}
