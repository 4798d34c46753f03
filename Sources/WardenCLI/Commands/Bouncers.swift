import ArgumentParser
import WardenBouncers
import WardenConfig
import WardenModel

/// `warden bouncers`: the API keys bouncers use to pull decisions from `warden run`.
struct Bouncers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bouncers", abstract: "Manage the API keys of bouncers (firewall, Traefik, nginx...).",
        subcommands: [Add.self, List.self, Delete.self])

    /// `warden bouncers add NAME [-k KEY]`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Register a bouncer and print its API key (shown once).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A name for the bouncer: letters, digits, '-', '_', '.', '@'.") var name: String
        @Option(name: [.short, .customLong("key")], help: "Register this key instead of a random one (to share it between nodes).")
        var key: String?

        func run() throws {
            let file = try global.bouncerKeys()
            let key = try file.add(name: name, key: key, now: global.context.clock())
            switch global.output {
            case .json: global.print(JSONText.string(key))
            case .raw: global.print(key)
            case .human:
                global.print("API key for '\(name)':\n\n   \(key)\n\nKeep it now: only its digest is stored, it cannot be shown again.")
            }
        }
    }

    /// `warden bouncers list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the registered bouncers and what the daemon last saw of each.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let main = try global.loadConfig()
            let records = try BouncerKeyFile(text: try global.identities(main).bouncers).load()
            // What this node's daemon saw; each node of a cluster keeps its own.
            let seen = BouncerSighting.load(from: BouncerSighting.path(besideKeys: main.api.bouncersFile))
            // What each instance reported it blocked, from the running daemon ('-': it does not answer).
            let usage = BouncerUsage.read(main.prometheus)
            func usageCell(_ instance: String) -> String { usage.map { $0[instance] ?? "" } ?? "-" }
            // One row per instance: the bouncer as first seen, then `NAME@ADDRESS` for each
            // other address its key came from (replicas sharing a key).
            let rows = records.flatMap { record -> [[String]] in
                let instances = seen.filter {
                    $0.name == record.name || $0.name == "\(record.name)@\($0.address)" || $0.name == "\(record.name)@others"
                }.sorted { ($0.name == record.name ? 0 : 1, $0.name) < ($1.name == record.name ? 0 : 1, $1.name) }
                guard !instances.isEmpty else {
                    return [[
                        record.name, "", "never", "", "", Timestamp.rfc3339(record.createdNs), usageCell(record.name),
                        record.authType.rawValue,
                    ]]
                }
                return instances.map { sighting in
                    let (type, version) = sighting.typeAndVersion
                    return [
                        sighting.name, sighting.address, Timestamp.rfc3339(sighting.lastPullNs), type, version,
                        Timestamp.rfc3339(record.createdNs), usageCell(sighting.name), record.authType.rawValue,
                    ]
                }
            }
            let keys = ["name", "ip_address", "last_pull", "type", "version", "created_at", "usage", "auth_type"]
            switch global.output {
            case .json:
                global.print(JSONText.array(of: rows.map { row in zip(keys, row).map { ($0, JSONText.string($1)) } }))
            case .raw:
                global.context.write(([keys.joined(separator: ",")] + rows.map(CSVText.line)).joined(separator: "\n") + "\n")
            case .human:
                guard !rows.isEmpty else {
                    global.print("No bouncer registered; add one with 'warden bouncers add NAME'")
                    return
                }
                global.context.write(TextTable(
                    headers: ["NAME", "IP ADDRESS", "LAST API PULL", "TYPE", "VERSION", "CREATED", "REPORTED USAGE", "AUTH TYPE"],
                    rows: rows
                ).render())
            }
        }
    }

    /// `warden bouncers delete NAME`
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Remove a bouncer: its key stops working at once.", aliases: ["del"])

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The bouncer's name.") var name: String

        func run() throws {
            try global.bouncerKeys().delete(name: name)
            switch global.output {
            case .json: global.print(JSONText.object([("deleted", JSONText.string(name))]))
            case .human, .raw: global.print("Bouncer '\(name)' deleted")
            }
        }
    }
}
