import ArgumentParser

/// `warden-bench`: measures backends against the raw C limit (`measure`, the default),
/// loads benchmark data into a Warden config's backends (`import`), and measures the
/// decision index alone (`index`).
@main
struct WardenBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden-bench",
        abstract: "Warden's benchmark tool.",
        subcommands: [MeasureCommand.self, ImportCommand.self, IndexCommand.self],
        defaultSubcommand: MeasureCommand.self)
}
