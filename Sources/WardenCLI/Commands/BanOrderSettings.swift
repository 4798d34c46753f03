import ArgumentParser
import WardenAllowlist
import WardenBasics
import WardenConfig
import WardenEngine
import WardenModel
import WardenStore

/// The remediation a ban asks bouncers for.
enum Remediation: String, ExpressibleByArgument, CaseIterable {
    case ban, slow, captcha

    /// The remediation when `--remediation` is not given.
    static var byDefault: Remediation { .ban }
}

/// Duration, reason and remediation, shared by `ban add ip` and `ban add range`, as
/// ArgumentParser parses them.
struct BanOrderArguments: ParsableArguments, BanOrderSettings {
    @Argument(help: "How long, as Go writes durations: 4h, 90m, 1h30m, 45s.") var duration: String
    @Argument(help: "Why: every remaining word.") var reason: [String] = []
    @Option(help: "What bouncers should do: ban, slow or captcha.") var remediation: Remediation = .byDefault
}

/// The ban order set without ArgumentParser (see ``banAddByHand(_:)``), as
/// ``PlainGlobalSettings`` is for the global options.
struct PlainBanOrderSettings: BanOrderSettings {
    var duration: String
    var reason: [String]
    var remediation: Remediation
}

/// What a ban order says, and how it is checked and carried out.
protocol BanOrderSettings {
    /// How long, as Go writes durations.
    var duration: String { get }
    /// Why, as the words given.
    var reason: [String] { get }
    /// What bouncers should do.
    var remediation: Remediation { get }
}

extension BanOrderSettings {
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
    func add(_ target: BanTarget, global: some GlobalSettings) throws {
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
