import ArgumentParser
import WardenModel
import WardenBackendHost
import WardenStore

extension Ban {
    /// `warden ban flush`
    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flush", abstract: "Delete every live ban in every backend.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let count = try global.openStore().deleteAll()
            switch global.output {
            case .json: global.print(JSONText.object([("deleted", String(count))]))
            case .human, .raw: global.print("Ban DB flushed: \(count) \(count == 1 ? "ban" : "bans") deleted")
            }
        }
    }
}
