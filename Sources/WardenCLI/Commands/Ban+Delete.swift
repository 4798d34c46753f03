import ArgumentParser
import WardenModel
import WardenBackendHost
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

/// Deletes the live ban of `target` in every backend and prints how many went.
private func deleteBans(of target: BanTarget, global: GlobalOptions) throws {
    let count = try global.openStore().delete(target: target.description)
    switch global.output {
    case .json:
        global.print(JSONText.object([("target", JSONText.string(target.description)), ("deleted", String(count))]))
    case .human, .raw:
        global.print("Deleted \(count) \(count == 1 ? "ban" : "bans") for \(target)")
    }
}
