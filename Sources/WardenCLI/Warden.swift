import ArgumentParser
import WardenBasics

/// The `warden` command: manage IP bans stored in backend plugins.
public struct Warden: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Manage IP bans stored in backend plugins.",
        version: WardenVersion.description,
        subcommands: [
            Ban.self, AllowlistCommand.self, Bouncers.self, Machines.self, Backends.self, Metrics.self, Notifications.self,
            Migrate.self, Run.self,
        ])

    public init() {}
}
