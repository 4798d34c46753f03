import ArgumentParser
import WardenAllowlist
import WardenBasics
import WardenConfig
import WardenEngine
import WardenModel
import WardenStore

extension Ban {
    /// `warden ban add ip|range …`
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Ban an address or a range in every loaded backend.",
            subcommands: [AddIP.self, AddRange.self])
    }

    /// `warden ban add ip <address> <duration> <reason…>`
    struct AddIP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ip", abstract: "Ban one IPv4 or IPv6 address.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The address to ban (IPv4 or IPv6).") var target: String
        @OptionGroup var order: BanOrderArguments

        func validate() throws {
            do { _ = try BanTarget.parseIP(target) } catch { throw ValidationError(error.message) }
            try order.check()
        }

        func run() throws {
            try order.add(try BanTarget.parseIP(target), global: global)
        }
    }

    /// `warden ban add range <cidr> <duration> <reason…>`
    struct AddRange: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "range", abstract: "Ban a CIDR block (IPv4 or IPv6).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The block to ban, e.g. 192.0.2.0/24 or 2001:db8::/32.") var target: String
        @OptionGroup var order: BanOrderArguments

        func validate() throws {
            do { _ = try BanTarget.parseRange(target) } catch { throw ValidationError(error.message) }
            try order.check()
        }

        func run() throws {
            try order.add(try BanTarget.parseRange(target), global: global)
        }
    }
}

/// The remediation a ban asks bouncers for.
enum Remediation: String, ExpressibleByArgument, CaseIterable {
    case ban, slow, captcha

    /// The remediation when `--remediation` is not given.
    static var byDefault: Remediation { .ban }
}

/// Duration, reason and remediation, shared by `ban add ip` and `ban add range`.
struct BanOrderArguments: ParsableArguments {
    @Argument(help: "How long, as Go writes durations: 4h, 90m, 1h30m, 45s.") var duration: String
    @Argument(help: "Why: every remaining word.") var reason: [String] = []
    @Option(help: "What bouncers should do: ban, slow or captcha.") var remediation: Remediation = .byDefault

    /// Checks the duration and the reason before anything is loaded or written.
    func check() throws {
        guard let ns = GoDuration.parse(duration) else {
            throw ValidationError("'\(duration)' is not a valid duration; write it like 4h, 90m, 1h30m or 45s")
        }
        guard ns > 0 else { throw ValidationError("the duration must be greater than zero, got '\(duration)'") }
        guard !reasonText.isEmpty else {
            throw ValidationError("missing reason: say why after the duration, e.g. 'ssh bruteforce'")
        }
    }

    var reasonText: String { reason.joined(separator: " ").trimmingSpaces }

    /// Records the ban in every backend (flushed) and prints where it is stored; refuses
    /// (exit 64, nothing loaded or written) a target that meets an allowlist entry.
    func add(_ target: BanTarget, global: GlobalOptions) throws {
        let main = try global.loadConfig()
        let allowlist = AllowlistFileSource(AllowlistFile(path: main.allowlistFile))
        // Before any backend is loaded; the engine asks the same source again as it writes.
        if let refusal = try Engine.refusal(for: target, at: global.context.clock(), in: allowlist) { throw refusal }
        let engine = try global.openEngine(main, allowlist: allowlist)
        let ban = ManualBan(
            target: target, durationNs: GoDuration.parse(duration)!, reason: reasonText, action: remediation.rawValue)
        let (outcomes, now) = try waitFor { try await engine.ban(ban) }
        let stored = outcomes.succeededNames
        let until = now + ban.durationNs
        if !stored.isEmpty {
            switch global.output {
            case .json:
                global.print(JSONText.object([
                    ("target", JSONText.string(target.description)), ("scope", JSONText.string(target.scopeName)),
                    ("action", JSONText.string(ban.action)), ("duration", JSONText.string(duration)),
                    ("reason", JSONText.string(ban.reason)), ("expires_at", JSONText.string(Timestamp.rfc3339(until))),
                    ("backends", JSONText.array(strings: stored)),
                ]))
            case .human, .raw:
                global.print(
                    "\(ban.action) \(target) for \(duration) (\(ban.reason)) until \(Timestamp.rfc3339(until)): "
                        + "stored in \(stored.joined(separator: ", "))")
            }
        }
        try global.requireNoFailure(outcomes, work: "the ban on \(target) was stored")
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
