import ArgumentParser

/// `warden ban`: the legacy `cscli ban` grammar.
struct Ban: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ban", abstract: "Add, list and delete bans.",
        subcommands: [Add.self, List.self, Delete.self, Flush.self, Import.self])
}
