import ArgumentParser
import Glibc
import Logging
import WardenDaemon
import WardenModel

/// `warden-daemon`: what `warden run` executes (`serve`, the default, takes the same `-c`
/// and `--debug`), and what `warden notifications test` executes, so the `warden` CLI
/// never links NIO or gRPC.
@main
struct WardenDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden-daemon", abstract: "Warden's daemon: the Local API for bouncers (started by 'warden run').",
        subcommands: [Serve.self, TestNotification.self], defaultSubcommand: Serve.self)
}

/// The options both subcommands take, as `warden` passes them.
struct DaemonOptions: ParsableArguments {
    @Option(name: [.short, .customLong("config")], help: "Main config file (default: $WARDEN_CONFIG, else /etc/warden/config.yaml).")
    var config: String?

    @Flag(help: "Log one line per request and each call the backends log.")
    var debug = false

    var path: String {
        config ?? getenv("WARDEN_CONFIG").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? "/etc/warden/config.yaml"
    }

    func logger() -> Logger {
        let level: Logger.Level = debug ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "warden")
        logger.logLevel = level
        return logger
    }

    /// Runs `body`, printing a Warden error and exiting 1 (runtime) or 64 (usage, config).
    func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as any WardenError {
            StandardError.write("error: \(error)\n")
            throw ExitCode(error.category == .runtime ? 1 : 64)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the Local API until SIGTERM (the default).")

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        HeapPolicy.apply()
        let logger = options.logger()
        try await options.reporting { try await Daemon(configPath: options.path, logger: logger).run() }
    }
}

struct TestNotification: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-notification", abstract: "Send a sample alert through a notification's plugin.")

    @OptionGroup var options: DaemonOptions

    @Argument(help: "The notification's name.")
    var name: String

    func run() async throws {
        let logger = options.logger()
        try await options.reporting {
            let line = try await NotificationTest(configPath: options.path, name: name, logger: logger).run()
            print(line)
        }
    }
}

/// Standard error without Foundation.
enum StandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
