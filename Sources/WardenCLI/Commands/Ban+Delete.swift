import ArgumentParser
import WardenEngine
import WardenModel
import WardenStore

extension Ban {
    /// `warden ban del ip|range …`
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del", abstract: "Delete the live ban of an address or a range.",
            subcommands: [DeleteIP.self, DeleteRange.self])
    }

    /// `warden ban del ip <address>`
    struct DeleteIP: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ip", abstract: "Unban one address.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The banned address.") var target: String

        func validate() throws {
            do { _ = try BanTarget.parseIP(target) } catch { throw ValidationError(error.message) }
        }

        func run() throws {
            try deleteBans(of: try BanTarget.parseIP(target), global: global)
        }
    }

    /// `warden ban del range <cidr>`
    struct DeleteRange: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "range", abstract: "Unban one CIDR block.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The banned block, exactly as it was banned.") var target: String

        func validate() throws {
            do { _ = try BanTarget.parseRange(target) } catch { throw ValidationError(error.message) }
        }

        func run() throws {
            try deleteBans(of: try BanTarget.parseRange(target), global: global)
        }
    }
}

/// Deletes the live ban of `target` in every backend and prints how many went:
/// one count when the backends agree, each backend's count when they differ.
private func deleteBans(of target: BanTarget, global: GlobalOptions) throws {
    let engine = try global.openEngine()
    let outcomes = try waitFor { try await engine.delete(target: target) }
    if !outcomes.succeeded.isEmpty {
        switch global.output {
        case .json:
            global.print(JSONText.object([("target", JSONText.string(target.description))] + outcomes.jsonPairs))
        case .human, .raw:
            if let count = outcomes.agreedCount {
                global.print("Deleted \(count) \(count == 1 ? "ban" : "bans") for \(target)")
            } else {
                global.print("Deleted bans for \(target): \(outcomes.perBackendText)")
            }
        }
    }
    try global.requireNoFailure(outcomes, work: "the ban on \(target) was deleted")
}
