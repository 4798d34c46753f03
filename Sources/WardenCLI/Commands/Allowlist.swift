import ArgumentParser
import WardenBasics
import WardenAllowlist
import WardenModel

/// `warden allowlist`: the addresses and blocks no ban may touch, in named lists
/// (CrowdSec 1.6.9's allowlists) whose entries may expire.
struct AllowlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allowlist", abstract: "Manage the addresses and blocks Warden never bans.",
        subcommands: [Add.self, List.self, Delete.self, Check.self, Create.self, Drop.self])

    /// `warden allowlist add ADDR COMMENT… [--list NAME] [--expires WHEN]`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Allowlist an address or a CIDR block.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The named list to add it to (see 'warden allowlist create').")
        var list = WardenAllowlist.Allowlist.defaultListName
        @Option(help: "When it stops applying: a duration from now (4h, 1h30m; 2160h is 90 days) or a time (RFC 3339).")
        var expires: String?
        @Argument(help: "The address or block, e.g. 192.0.2.7 or 2001:db8::/32.") var target: String
        @Argument(help: "Why it must stay reachable: every remaining word.") var comment: [String] = []

        var commentText: String { comment.joined(separator: " ").trimmingSpaces }

        func validate() throws {
            do { _ = try AllowlistEntry.parseTarget(target) } catch { throw ValidationError(error.message) }
            guard !commentText.isEmpty else {
                throw ValidationError("missing comment: say why \(target) must stay reachable, e.g. 'office VPN'")
            }
            guard !commentText.contains("\n") else { throw ValidationError("the comment must fit on one line") }
            if let expires, expiry(expires, now: 0) == nil {
                throw ValidationError(
                    "'\(expires)' is neither a duration (4h, 1h30m) nor a time (2026-12-31T00:00:00Z) for --expires")
            }
        }

        /// `text` as an end: a Go duration after `now`, or a time.
        func expiry(_ text: String, now: Int64) -> Int64? {
            if let duration = GoDuration.parse(text), duration > 0 { return now + duration }
            return Timestamp.parse(text)
        }

        func run() throws {
            let file = try global.allowlistFile()
            let parsed = try AllowlistEntry.parseTarget(target)
            let expiresNs = expires.flatMap { expiry($0, now: global.context.clock()) }
            try file.add(parsed, comment: commentText, list: list, expiresNs: expiresNs)
            let until = expiresNs.map { " until \(Timestamp.rfc3339($0))" } ?? ""
            switch global.output {
            case .json:
                global.print(JSONText.object([
                    ("added", JSONText.string(parsed.description)), ("comment", JSONText.string(commentText)),
                    ("list", JSONText.string(list)), ("expires_at", expiresNs.map { JSONText.string(Timestamp.rfc3339($0)) } ?? "null"),
                ]))
            case .human, .raw:
                let named = list == WardenAllowlist.Allowlist.defaultListName ? "" : " (list \(list))"
                global.print("Allowlisted \(parsed) (\(commentText))\(until) in \(file.path)\(named)")
            }
        }
    }

    /// `warden allowlist list [--list NAME] [--all]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the allowlist entries in force, in file order.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only the entries of this named list.") var list: String?
        @Flag(name: [.short, .long], help: "Also list the entries that have expired.") var all = false

        func run() throws {
            let now = global.context.clock()
            let allowlist = try global.allowlistFile().load()
            let entries = (all ? allowlist : allowlist.active(at: now)).entries.filter { list == nil || $0.list == list }
            let rows = entries.map { entry in
                [entry.list, entry.target.description, entry.expiresNs.map(Timestamp.rfc3339) ?? "", entry.comment]
            }
            switch global.output {
            case .json:
                global.print(JSONText.array(of: rows.map { row in
                    zip(["list", "entry", "expires_at", "comment"], row).map { ($0, JSONText.string($1)) }
                }))
            case .raw:
                global.context.write((["list,entry,expires_at,comment"] + rows.map(CSVText.line)).joined(separator: "\n") + "\n")
            case .human:
                guard !rows.isEmpty else {
                    global.print("The allowlist is empty; add an entry with 'warden allowlist add ADDR COMMENT'")
                    return
                }
                global.context.write(TextTable(headers: ["LIST", "ENTRY", "EXPIRES", "COMMENT"], rows: rows).render())
            }
        }
    }

    /// `warden allowlist create NAME DESCRIPTION…`
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Start a named allowlist (shown to CrowdSec clients by that name).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Its name: letters, digits, '.', '_' and '-'.") var name: String
        @Argument(help: "What it holds: every remaining word.") var description: [String] = []

        func run() throws {
            let file = try global.allowlistFile()
            try file.createList(name, description: description.joined(separator: " ").trimmingSpaces)
            global.print("Created the allowlist '\(name)' in \(file.path); add to it with 'warden allowlist add --list \(name)'")
        }
    }

    /// `warden allowlist drop NAME`
    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop", abstract: "Remove a named allowlist and every entry in it.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The allowlist's name.") var name: String

        func run() throws {
            try global.allowlistFile().deleteList(name)
            global.print("Removed the allowlist '\(name)' and its entries")
        }
    }

    /// `warden allowlist del ADDR [--list NAME]`
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "del", abstract: "Remove an entry from the allowlist.", aliases: ["delete"])

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only from this named list (else from every list that has it).") var list: String?
        @Argument(help: "The entry, as 'warden allowlist list' shows it.") var target: String

        func validate() throws {
            do { _ = try AllowlistEntry.parseTarget(target) } catch { throw ValidationError(error.message) }
        }

        func run() throws {
            let parsed = try AllowlistEntry.parseTarget(target)
            try global.allowlistFile().delete(parsed, list: list)
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
            let entry = try global.allowlistFile().load().active(at: global.context.clock()).match(parsed)
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
