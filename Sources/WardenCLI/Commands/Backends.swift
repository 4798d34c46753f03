import ArgumentParser
import WardenStore

/// `warden backends`: what is configured and whether it loads.
struct Backends: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backends", abstract: "Inspect backend plugins.", subcommands: [List.self, Check.self])

    /// `warden backends list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the configured backends: loaded, or why they were discarded.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let store = try global.openStore()
            var rows: [(name: String, path: String, abi: String, version: String, state: String)] = []
            for config in store.configs {
                if let backend = store.backends.first(where: { $0.name == config.name }) {
                    rows.append((config.name, config.libraryPath, backend.abi,
                                 backend.declaredVersion, "loaded"))
                } else if let discarded = store.discarded.first(where: { $0.config.name == config.name }) {
                    rows.append((config.name, config.libraryPath, "-", "-", "discarded: \(discarded.reason)"))
                }
            }
            switch global.output {
            case .json:
                global.print(JSONText.array(of: rows.map { row in
                    [("name", row.name), ("path", row.path), ("abi", row.abi), ("version", row.version),
                     ("state", row.state)].map { ($0.0, JSONText.string($0.1)) }
                }))
            case .raw:
                global.context.write(
                    (["name,path,abi,version,state"] + rows.map { CSVText.line([$0.name, $0.path, $0.abi, $0.version, $0.state]) })
                        .joined(separator: "\n") + "\n")
            case .human:
                guard !rows.isEmpty else {
                    global.print("No backend configured in \(store.folder)")
                    return
                }
                global.context.write(TextTable(
                    headers: ["NAME", "PATH", "ABI", "VERSION", "STATE"],
                    rows: rows.map { [$0.name, $0.path, $0.abi, $0.version, $0.state] }
                ).render())
            }
        }
    }

    /// `warden backends check PATH`
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Load one backend .so without a config and report what it offers, or why it is refused.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Path of the backend shared library.") var path: String

        func run() throws {
            let backend: BackendSummary
            do {
                backend = try BanStore.inspect(
                    libraryAt: path, logger: global.logger, clock: global.context.clock,
                    allowUnsafeFiles: global.allowUnsafeFiles)
            } catch {
                throw CommandFailure(description: error.description)
            }
            let extensions = backend.extensions
            let lines: [(String, String)] = [
                ("path", path),
                ("abi", "\(backend.abi) (host speaks \(BackendSummary.hostABI))"),
                ("name", backend.declaredName),
                ("version", backend.declaredVersion),
                ("struct_size", String(backend.structSize)),
                ("get_extension", backend.hasGetExtension ? "yes" : "no"),
                ("extensions", extensions.isEmpty ? "none" : extensions.joined(separator: ", ")),
                ("status", "ok"),
            ]
            switch global.output {
            case .json: global.print(JSONText.object(lines.map { ($0.0, JSONText.string($0.1)) }))
            case .human, .raw: global.context.write(lines.map { "\($0.0): \($0.1)\n" }.joined())
            }
        }
    }
}
