import ArgumentParser

/// `warden-bench`: measures backends against the raw C limit (`measure`, the default),
/// and loads benchmark data into a Warden config's backends (`import`).
@main
struct WardenBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden-bench",
        abstract: "Warden's benchmark tool.",
        subcommands: [MeasureCommand.self, ImportCommand.self],
        defaultSubcommand: MeasureCommand.self)
}
