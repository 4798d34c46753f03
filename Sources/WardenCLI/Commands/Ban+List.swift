import ArgumentParser
import WardenBasics
import WardenEngine
import WardenModel
import WardenStore

extension Ban {
    /// `warden ban list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the bans active now (or at --at), one row per target, newest first.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "List the bans active at this time (RFC 3339, or 'YYYY-MM-DD HH:MM:SS' UTC).") var at: String?
        @Flag(name: [.short, .long], help: "List every ban (no --limit).") var all = false
        @Option(help: "Only bans of this address, or of ranges containing it.") var ip: String?
        @Option(help: "Only bans inside this CIDR block.") var range: String?
        @Option(help: "Only bans whose reason contains this text.") var reason: String?
        @Option(help: "Only bans of this country (ISO 3166 code).") var country: String?
        @Option(name: .customLong("as"), help: "Only bans whose AS contains this text.") var asFilter: String?
        @Option(help: "Show at most this many bans, the newest (0: no limit).") var limit = 50
        @Option(help: "Read this backend only.") var backend: String?

        func validate() throws {
            if let at, Timestamp.parse(at) == nil {
                throw ValidationError("'\(at)' is not a valid time; write it like 2026-11-23T17:04:05Z or '2026-11-23 17:04:05'")
            }
            if let ip, IPAddress(ip) == nil { throw ValidationError("'\(ip)' is not a valid IPv4 or IPv6 address") }
            if let range { do { _ = try BanTarget.parseRange(range) } catch { throw ValidationError(error.message) } }
            guard limit >= 0 else { throw ValidationError("--limit must be 0 (no limit) or more, got \(limit)") }
        }

        /// The query the options describe (checked by ``validate()`` already).
        var query: BanQuery {
            BanQuery(
                at: at.flatMap(Timestamp.parse), containing: ip.flatMap(IPAddress.init),
                within: range.flatMap { try? BanTarget.parseRange($0) }, reasonContains: reason, country: country,
                asContains: asFilter, limit: all || limit == 0 ? nil : limit, backend: backend)
        }

        func run() throws {
            let query = query
            let engine = try global.openEngine()
            let now = engine.clock()
            let listing = try waitFor { try await engine.list(query) }
            for failure in listing.failed {
                global.context.writeError("warning: \(failure); its bans are missing from this list\n")
            }
            let report = BanListReport(bans: listing.bans, liveCounts: listing.liveCounts, at: query.at ?? now)
            switch global.output {
            case .raw: global.context.write(report.csv())
            case .json: global.print(report.json())
            case .human:
                global.context.write(report.table())
                global.context.write(report.stackedNotes())
                if listing.truncated {
                    global.print("(\(listing.bans.count) newest bans shown, more match; use --limit 0 or --all to see every one)")
                }
            }
            guard listing.failed.isEmpty else {
                throw CommandFailure(description: "could not read \(listing.failed.map(\.backend).joined(separator: ", ")) (see above)")
            }
        }
    }
}

/// A list of bans in the three output formats, with the legacy columns and keys.
struct BanListReport {
    /// One per target: the ban that ends last, which is what bouncers enforce longest.
    var bans: [WardenModel.Ban]
    /// How many live bans each target has (one when absent).
    var liveCounts: [String: Int] = [:]
    var at: Int64

    /// How many live bans `ban`'s target has.
    func decisions(_ ban: WardenModel.Ban) -> Int { max(liveCounts[ban.target] ?? 1, 1) }

    /// One line per target that has several live bans, after the table.
    func stackedNotes() -> String {
        bans.filter { decisions($0) > 1 }.map {
            "\($0.target) has \(decisions($0)) live bans; the one that ends last is shown ('ban del' ends them all)\n"
        }.joined()
    }

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
                ("expires_at", Timestamp.rfc3339(ban.untilNs)), ("decisions", String(decisions(ban))),
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
