import ArgumentParser
import Logging
import WardenAllowlist
import WardenConfig
import WardenEngine
import WardenBouncers
import WardenMachines
import WardenStore

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case human, json, raw

    /// The format when `-o` is not given.
    static var byDefault: OutputFormat { .human }
}

/// Options every command takes, as ArgumentParser parses them.
struct GlobalOptions: ParsableArguments, GlobalSettings {
    @Option(
        name: [.short, .customLong("config")],
        help: "Main config file (default: $WARDEN_CONFIG, else \(MainConfig.defaultPath)).")
    var config: String?

    @Option(name: [.short, .customLong("output")], help: "Output format: human, json or raw.")
    var output: OutputFormat = .byDefault

    @Flag(help: "Log debug messages, including each call the backends log.")
    var debug = false
}

/// The global options set without ArgumentParser (see ``banAddByHand(_:)``): making
/// ``GlobalOptions``'s property wrappers costs type metadata and conformance look-ups.
struct PlainGlobalSettings: GlobalSettings {
    var config: String?
    var output: OutputFormat
    var debug: Bool
}

/// What the global options say, and what every command does with them.
protocol GlobalSettings {
    /// `-c`: the main config file.
    var config: String? { get }
    /// `-o`: how results are printed.
    var output: OutputFormat { get }
    /// `--debug`: log debug messages.
    var debug: Bool { get }
}

extension GlobalSettings {
    var context: CommandContext { CommandContext.current }

    var logger: Logger { context.logger(debug: debug) }

    /// The config path: -c, else $WARDEN_CONFIG, else the default.
    var configPath: String {
        config ?? context.environment("WARDEN_CONFIG").flatMap { $0.isEmpty ? nil : $0 } ?? MainConfig.defaultPath
    }

    /// Whether the plugin file checks are off (development builds).
    var allowUnsafeFiles: Bool {
        context.environment(BanStore.allowUnsafeVariable) == "1"
    }

    /// Reads the main config; run as root, then becomes the owner of the data folder (the
    /// folder of `api.server.bouncers_file`) when that is another user (see ``DataFolderOwner``).
    /// Every command that reads or writes data loads the config through this.
    func loadConfig() throws -> MainConfig {
        let main = try MainConfig.load(path: configPath)
        if context.becomesDataOwner { try DataFolderOwner.adopt(FileSystem.folder(of: main.api.bouncersFile)) }
        return main
    }

    /// Reads the main config and opens the engine over its backends and allowlist.
    func openEngine() throws -> Engine {
        try openEngine(try loadConfig())
    }

    /// The engine over `main`'s backends (`flush` injected as false) and allowlist file
    /// (read at the first ban it checks), or `allowlist` when the command read it already.
    func openEngine(_ main: MainConfig, allowlist: AllowlistFileSource? = nil) throws -> Engine {
        Engine(
            store: try openStore(main), allowlist: allowlist ?? AllowlistFileSource(AllowlistFile(path: main.allowlistFile)),
            clock: context.clock, logger: logger)
    }

    /// Reads the main config and loads every backend (`flush` injected as false,
    /// as the legacy CLI did).
    func openStore() throws -> BanStore {
        try openStore(try loadConfig())
    }

    /// Loads every backend of `main` (`flush` injected as false).
    func openStore(_ main: MainConfig) throws -> BanStore {
        try BanStore.open(
            main, sweepsExpiredBans: false, logger: logger, clock: context.clock, allowUnsafeFiles: allowUnsafeFiles)
    }

    /// Where `main` keeps the bouncers, machines and token secret: its files, or the
    /// documents of `api.server.identity_backend`.
    func identities(_ main: MainConfig) throws -> IdentityTexts {
        try IdentityTexts.open(main, logger: logger, clock: context.clock, allowUnsafeFiles: allowUnsafeFiles)
    }

    /// The registered bouncers, where the main config keeps them.
    func bouncerKeys() throws -> BouncerKeyFile {
        BouncerKeyFile(text: try identities(try loadConfig()).bouncers)
    }

    /// The registered machines, where the main config keeps them.
    func machines() throws -> MachineFile {
        MachineFile(text: try identities(try loadConfig()).machines)
    }

    /// The allowlist file the main config names (read as the invoking user: the file lives
    /// under /etc/warden, which root edits).
    func allowlistFile() throws -> AllowlistFile {
        AllowlistFile(path: try MainConfig.load(path: configPath).allowlistFile)
    }

    /// Reports each backend that failed, then fails the command (exit 1) naming where
    /// the work was done and where not. Does nothing when every backend succeeded.
    /// - Parameter work: what was done, as a sentence without its place:
    ///   "the ban on 192.0.2.7 was stored", "the bans were deleted".
    func requireNoFailure<Value>(_ outcomes: BackendOutcomes<Value>, work: String) throws {
        guard !outcomes.failed.isEmpty else { return }
        for failure in outcomes.failed { context.writeError("error: \(failure)\n") }
        let failed = outcomes.failed.map(\.backend).joined(separator: ", ")
        if outcomes.succeeded.isEmpty {
            throw CommandFailure(description: "\(work) in no backend (\(failed) failed, see above)")
        }
        throw CommandFailure(
            description: "\(work) in \(outcomes.succeededNames.joined(separator: ", ")) only, not in \(failed) "
                + "(see above); run the command again once \(failed) is fixed")
    }

    /// Prints one line on standard output.
    func print(_ line: String) {
        context.write(line + "\n")
    }
}
