import ArgumentParser
import Logging
import WardenConfig
import WardenBackendHost
import WardenStore

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case human, json, raw
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.short, .customLong("config")],
        help: "Main config file (default: $WARDEN_CONFIG, else \(MainConfig.defaultPath)).")
    var config: String?

    @Option(name: [.short, .customLong("output")], help: "Output format: human, json or raw.")
    var output: OutputFormat = .human

    @Flag(help: "Log debug messages, including each call the backends log.")
    var debug = false

    var context: CommandContext { CommandContext.current }

    var logger: Logger { context.logger(debug: debug) }

    /// The config path: -c, else $WARDEN_CONFIG, else the default.
    var configPath: String {
        config ?? context.environment("WARDEN_CONFIG").flatMap { $0.isEmpty ? nil : $0 } ?? MainConfig.defaultPath
    }

    /// Whether the plugin file checks are off (development builds).
    var allowUnsafeFiles: Bool {
        context.environment(BackendLoadError.allowUnsafeVariable) == "1"
    }

    /// Reads the main config and loads every backend (`flush` injected as false,
    /// as the legacy CLI did).
    func openStore() throws -> BanStore {
        let main = try MainConfig.load(path: configPath)
        return try BanStore.open(
            main, flush: false, logger: logger, clock: context.clock, allowUnsafeFiles: allowUnsafeFiles)
    }

    /// Prints one line on standard output.
    func print(_ line: String) {
        context.write(line + "\n")
    }
}
