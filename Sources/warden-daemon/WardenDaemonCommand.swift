import ArgumentParser
import Glibc
import Logging
import WardenDaemon
import WardenModel

/// `warden-daemon`: what `warden run` executes. Takes the same `-c` and `--debug`.
@main
struct WardenDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden-daemon", abstract: "Warden's daemon: the Local API for bouncers (started by 'warden run').")

    @Option(name: [.short, .customLong("config")], help: "Main config file (default: $WARDEN_CONFIG, else /etc/warden/config.yaml).")
    var config: String?

    @Flag(help: "Log one line per request and each call the backends log.")
    var debug = false

    func run() async throws {
        let level: Logger.Level = debug ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "warden")
        logger.logLevel = level
        let path = config ?? getenv("WARDEN_CONFIG").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? "/etc/warden/config.yaml"
        do {
            try await Daemon(configPath: path, logger: logger).run()
        } catch let error as any WardenError {
            StandardError.write("error: \(error)\n")
            throw ExitCode(error.category == .runtime ? 1 : 64)
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

