import ArgumentParser
import WardenBasics
import WardenModel
import WardenStore

extension Ban {
    /// `warden ban list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the bans active now (or at --at), one row per target.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "List the bans active at this time (RFC 3339, or 'YYYY-MM-DD HH:MM:SS' UTC).") var at: String?
        @Flag(name: [.short, .long], help: "List every ban (no --limit).") var all = false
        @Option(help: "Only bans of this address, or of ranges containing it.") var ip: String?
        @Option(help: "Only bans inside this CIDR block.") var range: String?
        @Option(help: "Only bans whose reason contains this text.") var reason: String?
        @Option(help: "Only bans of this country (ISO 3166 code).") var country: String?
        @Option(name: .customLong("as"), help: "Only bans whose AS contains this text.") var asFilter: String?
        @Option(help: "Show at most this many bans (0: no limit).") var limit = 50
        @Option(help: "Read this backend only.") var backend: String?

        func validate() throws {
            if let at, Timestamp.parse(at) == nil {
                throw ValidationError("'\(at)' is not a valid time; write it like 2026-11-23T17:04:05Z or '2026-11-23 17:04:05'")
            }
            if let ip, IPAddress(ip) == nil { throw ValidationError("'\(ip)' is not a valid IPv4 or IPv6 address") }
            if let range { do { _ = try BanTarget.parseRange(range) } catch { throw ValidationError(error.message) } }
            guard limit >= 0 else { throw ValidationError("--limit must be 0 (no limit) or more, got \(limit)") }
        }

        func run() throws {
            let store = try global.openStore()
            let only = try backend.map { name throws(InputError) in try store.backend(named: name) }
            let time = at.flatMap(Timestamp.parse) ?? global.context.clock()
            let matching = try store.active(at: time, only: only).filter(matches)
            let shown = all || limit == 0 ? matching : Array(matching.prefix(limit))
            let report = BanListReport(bans: shown, at: time)
            switch global.output {
            case .raw: global.context.write(report.csv())
            case .json: global.print(report.json())
            case .human:
                global.context.write(report.table())
                if shown.count < matching.count {
                    global.print("(\(shown.count) of \(matching.count) bans shown; use --limit 0 or --all to see every one)")
                }
            }
        }

        /// Whether `ban` passes every filter given.
        private func matches(_ ban: WardenModel.Ban) -> Bool {
            let target = BanTarget(storedText: ban.target)
            if let ip, let address = IPAddress(ip), !(target?.contains(address) ?? false) { return false }
            if let range, let block = try? BanTarget.parseRange(range), let target, !block.covers(target) { return false }
            if let reason, !ban.reason.lowercased().contains(reason.lowercased()) { return false }
            if let country, ban.country.lowercased() != country.lowercased() { return false }
            if let asFilter, !ban.asText.lowercased().contains(asFilter.lowercased()) { return false }
            return true
        }
    }
}

/// A list of bans in the three output formats, with the legacy columns and keys.
struct BanListReport {
    var bans: [WardenModel.Ban]
    var at: Int64

    /// Time left, as Go prints a duration rounded to the second.
    func expiration(_ ban: WardenModel.Ban) -> String {
        GoDuration.format(roundingNanoseconds: ban.untilNs - at)
    }

    func csv() -> String {
        var lines = ["source,ip,reason,bans,action,country,as,events_count,expiration"]
        for ban in bans {
            lines.append(CSVText.line([
                ban.origin, ban.target, ban.reason, String(ban.banCount), ban.action, ban.country, ban.asText,
                String(ban.eventsCount), expiration(ban),
            ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The legacy map keys, values as strings, plus `expires_at`.
    func json() -> String {
        JSONText.array(of: bans.map { ban in
            [
                ("source", ban.origin), ("iptext", ban.target), ("reason", ban.reason), ("scenario", ban.scenario),
                ("bancount", String(ban.banCount)), ("action", ban.action), ("cn", ban.country), ("as", ban.asText),
                ("events_count", String(ban.eventsCount)), ("until", expiration(ban)),
                ("expires_at", Timestamp.rfc3339(ban.untilNs)),
            ].map { ($0.0, JSONText.string($0.1)) }
        })
    }

    func table() -> String {
        guard !bans.isEmpty else { return "No local decisions\n" }
        return TextTable(
            headers: ["SOURCE", "IP", "REASON", "BANS", "ACTION", "COUNTRY", "AS", "EVENTS", "EXPIRATION"],
            rows: bans.map { ban in
                [ban.origin, ban.target, ban.reason, String(ban.banCount), ban.action, ban.country, ban.asText,
                 String(ban.eventsCount), expiration(ban)]
            }
        ).render()
    }
}
