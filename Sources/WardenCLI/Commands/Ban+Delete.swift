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

/// Deletes the live ban of `target` in every backend and prints how many went:
/// one count when the backends agree, each backend's count when they differ.
private func deleteBans(of target: BanTarget, global: GlobalOptions) throws {
    let outcomes = try global.openStore().delete(target: target.description)
    if !outcomes.succeeded.isEmpty {
        let deleted = outcomes.succeeded.map(\.value).max() ?? 0
        switch global.output {
        case .json:
            global.print(JSONText.object([
                ("target", JSONText.string(target.description)), ("deleted", String(deleted)),
                ("backends", JSONText.object(outcomes.succeeded.map { ($0.backend, String($0.value)) }, indent: "  ")),
            ]))
        case .human, .raw:
            if let count = outcomes.agreedCount {
                global.print("Deleted \(count) \(count == 1 ? "ban" : "bans") for \(target)")
            } else {
                global.print("Deleted bans for \(target): \(perBackend(outcomes))")
            }
        }
    }
    try global.requireNoFailure(outcomes, work: "the ban on \(target) was deleted")
}

/// `1 in sqlite, 0 in mysql`
func perBackend(_ outcomes: BackendOutcomes<Int>) -> String {
    outcomes.succeeded.map { "\($0.value) in \($0.backend)" }.joined(separator: ", ")
}
