import ArgumentParser
import WardenAllowlist
import WardenModel

/// `warden allowlist`: the addresses and blocks no ban may touch.
struct AllowlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allowlist", abstract: "Manage the addresses and blocks Warden never bans.",
        subcommands: [Add.self, List.self, Delete.self, Check.self])

    /// `warden allowlist add ADDR COMMENT…`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Allowlist an address or a CIDR block.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The address or block, e.g. 192.0.2.7 or 2001:db8::/32.") var target: String
        @Argument(help: "Why it must stay reachable: every remaining word.") var comment: [String] = []

        var commentText: String { comment.joined(separator: " ").trimmingSpaces }

        func validate() throws {
            do { _ = try AllowlistEntry.parseTarget(target) } catch { throw ValidationError(error.message) }
            guard !commentText.isEmpty else {
                throw ValidationError("missing comment: say why \(target) must stay reachable, e.g. 'office VPN'")
            }
            guard !commentText.contains("\n") else { throw ValidationError("the comment must fit on one line") }
        }

        func run() throws {
            let file = try global.allowlistFile()
            let parsed = try AllowlistEntry.parseTarget(target)
            try file.add(parsed, comment: commentText)
            switch global.output {
            case .json:
                global.print(JSONText.object([
                    ("added", JSONText.string(parsed.description)), ("comment", JSONText.string(commentText)),
                ]))
            case .human, .raw: global.print("Allowlisted \(parsed) (\(commentText)) in \(file.path)")
            }
        }
    }

    /// `warden allowlist list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the allowlist entries, in file order.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let entries = try global.allowlistFile().load().entries
            let rows = entries.map { [$0.target.description, $0.comment] }
            switch global.output {
            case .json:
                global.print(JSONText.array(of: rows.map { [("entry", JSONText.string($0[0])), ("comment", JSONText.string($0[1]))] }))
            case .raw:
                global.context.write((["entry,comment"] + rows.map(CSVText.line)).joined(separator: "\n") + "\n")
            case .human:
                guard !rows.isEmpty else {
                    global.print("The allowlist is empty; add an entry with 'warden allowlist add ADDR COMMENT'")
                    return
                }
                global.context.write(TextTable(headers: ["ENTRY", "COMMENT"], rows: rows).render())
            }
        }
    }

    /// `warden allowlist del ADDR`
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del", abstract: "Remove an entry from the allowlist.", aliases: ["delete"])

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entry, as 'warden allowlist list' shows it.") var target: String

        func validate() throws {
            do { _ = try AllowlistEntry.parseTarget(target) } catch { throw ValidationError(error.message) }
        }

        func run() throws {
            let parsed = try AllowlistEntry.parseTarget(target)
            try global.allowlistFile().delete(parsed)
            switch global.output {
            case .json: global.print(JSONText.object([("deleted", JSONText.string(parsed.description))]))
            case .human, .raw: global.print("Removed \(parsed) from the allowlist")
            }
        }
    }

    /// `warden allowlist check ADDR`
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Say which allowlist entry, if any, keeps an address or a block from a ban.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The address or block to check.") var target: String

        func validate() throws {
            do { _ = try AllowlistEntry.parseTarget(target) } catch { throw ValidationError(error.message) }
        }

        func run() throws {
            let parsed = try AllowlistEntry.parseTarget(target)
            let entry = try global.allowlistFile().load().match(parsed)
            switch global.output {
            case .json:
                global.print(JSONText.object([
                    ("target", JSONText.string(parsed.description)), ("allowlisted", entry == nil ? "false" : "true"),
                    ("entry", entry.map { JSONText.string($0.target.description) } ?? "null"),
                    ("comment", entry.map { JSONText.string($0.comment) } ?? "null"),
                ]))
            case .human, .raw:
                if let entry, entry.isStrictlyInside(parsed) {
                    global.print("\(parsed) contains \(entry), which is allowlisted: a ban on \(parsed) is refused")
                } else if let entry {
                    global.print("\(parsed) is allowlisted by \(entry): a ban on it is refused")
                } else {
                    global.print("\(parsed) is not allowlisted")
                }
            }
        }
    }
}
