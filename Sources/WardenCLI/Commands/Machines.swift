import ArgumentParser
import WardenConfig
import WardenMachines
import WardenModel

/// `warden machines`: the agents and `cscli` instances that log in to push alerts.
struct Machines: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machines", abstract: "Manage the machines (CrowdSec agents, cscli) that push alerts.",
        subcommands: [Add.self, List.self, Delete.self, Validate.self])

    /// `warden machines add NAME [--password P | --auto] [-f FILE] [--url URL] [--force]`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Register a machine and write the credentials file it logs in with.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A name for the machine: letters, digits, '-', '_', '.', '@'.") var name: String
        @Option(name: [.short, .customLong("password")], help: "Its password (1 to 72 bytes).") var password: String?
        @Flag(name: [.short, .customLong("auto")], help: "Generate a random password of 64 characters.") var auto = false
        @Option(
            name: [.short, .customLong("file")],
            help: "Write the credentials (url, login, password) to this file, mode 0600; '-' or none: standard output.")
        var file: String?
        @Option(name: [.short, .customLong("url")], help: "The Local API's URL for the file (default: from api.server.listen_uri).")
        var url: String?
        @Flag(help: "Replace the password of an existing machine of that name.") var force = false

        func validate() throws {
            if auto == (password != nil) {
                throw ValidationError("give exactly one of --password P and --auto")
            }
        }

        func run() throws {
            let main = try global.loadConfig()
            let secret = password ?? MachinePassword.generate()
            try MachineFile(text: try global.identities(main).machines).add(
                name: name, password: secret, validated: true, replacing: force, now: global.context.clock())
            let credentials = Credentials(url: url ?? main.api.clientURL, login: name, password: secret)
            guard let file, file != "-" else {
                global.context.write(credentials.yaml)
                return
            }
            // As the user who ran the command: root may name a file the data folder's owner cannot write.
            let written = try DataFolderOwner.asInvoker { FileSystem.writeAtomically(credentials.yaml, to: file, mode: 0o600) }
            if case .failure(let error) = written {
                throw CommandFailure(
                    description: "machine '\(name)' was registered, but its credentials cannot be written to \(file): \(error); "
                        + "run the command again with --force and a writable -f FILE, or -f - to print them")
            }
            switch global.output {
            case .json: global.print(JSONText.object([("name", JSONText.string(name)), ("credentials", JSONText.string(file))]))
            case .human, .raw: global.print("Machine '\(name)' registered; credentials written to \(file)")
            }
        }
    }

    /// `warden machines list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the machines and what the daemon last saw of each.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let main = try global.loadConfig()
            let records = try MachineFile(text: try global.identities(main).machines).load()
            // What this node's daemon saw; each node of a cluster keeps its own.
            let seen = MachineSighting.load(from: MachineSighting.path(besideMachines: main.api.machinesFile))
            let rows = records.map { record -> [String] in
                let sighting = seen.first { $0.name == record.name }
                return [
                    record.name, sighting?.address ?? "", record.validated ? "validated" : "pending",
                    sighting?.version ?? "", sighting.map { Timestamp.rfc3339($0.lastLoginNs) } ?? "never",
                    sighting.flatMap { $0.lastHeartbeatNs == 0 ? nil : Timestamp.rfc3339($0.lastHeartbeatNs) } ?? "never",
                    Timestamp.rfc3339(record.createdNs), record.authType.rawValue,
                ]
            }
            let keys = ["name", "ip_address", "status", "version", "last_login", "last_heartbeat", "created_at", "auth_type"]
            switch global.output {
            case .json:
                global.print(JSONText.array(of: rows.map { row in zip(keys, row).map { ($0, JSONText.string($1)) } }))
            case .raw:
                global.context.write(([keys.joined(separator: ",")] + rows.map(CSVText.line)).joined(separator: "\n") + "\n")
            case .human:
                guard !rows.isEmpty else {
                    global.print("No machine registered; add one with 'warden machines add NAME --auto -f FILE'")
                    return
                }
                global.context.write(TextTable(
                    headers: ["NAME", "IP ADDRESS", "STATUS", "VERSION", "LAST LOGIN", "LAST HEARTBEAT", "CREATED", "AUTH TYPE"],
                    rows: rows
                ).render())
            }
        }
    }

    /// `warden machines delete NAME`
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Remove a machine: it can no longer log in, and its tokens stop working.",
            aliases: ["del"])

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The machine's name.") var name: String

        func run() throws {
            try global.machines().delete(name: name)
            switch global.output {
            case .json: global.print(JSONText.object([("deleted", JSONText.string(name))]))
            case .human, .raw: global.print("Machine '\(name)' deleted")
            }
        }
    }

    /// `warden machines validate NAME`
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate", abstract: "Let a machine registered through the API (cscli lapi register) log in.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The machine's name.") var name: String

        func run() throws {
            try global.machines().validate(name: name)
            switch global.output {
            case .json: global.print(JSONText.object([("validated", JSONText.string(name))]))
            case .human, .raw: global.print("Machine '\(name)' validated")
            }
        }
    }
}
