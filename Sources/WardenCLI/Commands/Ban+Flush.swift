import ArgumentParser
import WardenEngine
import WardenModel
import WardenStore

extension Ban {
    /// `warden ban flush`
    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flush", abstract: "Delete every live ban in every backend.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let engine = try global.openEngine()
            let outcomes = try waitFor { try await engine.deleteAll() }
            if !outcomes.succeeded.isEmpty {
                switch global.output {
                case .json:
                    global.print(JSONText.object(outcomes.jsonPairs))
                case .human, .raw:
                    if let count = outcomes.agreedCount {
                        global.print("Ban DB flushed: \(count) \(count == 1 ? "ban" : "bans") deleted")
                    } else {
                        global.print("Ban DB flushed: bans deleted \(outcomes.perBackendText)")
                    }
                }
            }
            try global.requireNoFailure(outcomes, work: "the bans were deleted")
        }
    }
}
