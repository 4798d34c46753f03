import WardenAllowlist
import WardenBasics
import WardenModel

/// The bans an import file asks for, checked before anything is written: each row with
/// its defaults filled in as `cscli decisions import` fills them (a field the row leaves
/// empty takes the option's value), then refused when malformed or allowlisted.
struct ImportPlan {
    /// What a row that leaves a field empty gets (`--duration`, `--reason`, `--type`, `--scope`).
    struct Defaults {
        var duration = "4h"
        var reason = "manual"
        var type = "ban"
        var scope = "ip"
    }

    /// The bans to record, one per target: a target listed twice is banned as its last row says.
    var bans: [ManualBan] = []
    /// Rows that cannot be imported, in line order.
    var problems: [RowProblem] = []

    /// The origin CrowdSec gives imported decisions, whatever the file says.
    static let origin = "cscli-import"

    /// Checks every row of `file` against `allowlist` (read from `allowlistPath`, named in
    /// refusals), calling `progress` with the number of rows checked after each.
    init(_ file: DecisionFile, defaults: Defaults, allowlist: Allowlist, allowlistPath: String,
         progress: (Int) -> Void = { _ in }) {
        var position: [BanTarget: Int] = [:]
        problems = file.problems
        for (count, row) in file.rows.enumerated() {
            defer { progress(count + 1) }
            do throws(InputError) {
                let ban = try Self.ban(row, defaults)
                if let entry = allowlist.match(ban.target) {
                    throw InputError(AllowlistRefusal(target: ban.target, entry: entry, file: allowlistPath).description)
                }
                if let earlier = position[ban.target] {
                    bans[earlier] = ban
                } else {
                    position[ban.target] = bans.count
                    bans.append(ban)
                }
            } catch {
                problems.append(RowProblem(line: row.line, message: error.message))
            }
        }
        // In line order; rows of one line (a JSON file on one line) keep their order.
        problems = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
    }

    /// The ban one row asks for.
    /// - Throws: ``InputError`` saying what is wrong with the row.
    static func ban(_ row: DecisionRow, _ defaults: Defaults) throws(InputError) -> ManualBan {
        guard let value = row.value else { throw InputError("no value: give the address or CIDR block to ban") }
        let scope = row.scope ?? defaults.scope
        guard ["ip", "range"].contains(scope.lowercased()) else {
            throw InputError("scope '\(scope)' is not supported: Warden bans addresses and CIDR blocks (scope ip or range)")
        }
        // The value says which it is, as CrowdSec's Local API reads an Ip-scoped value
        // with a prefix as a block.
        let target = value.contains("/") ? try BanTarget.parseRange(value) : try BanTarget.parseIP(value)
        let duration = row.duration ?? defaults.duration
        guard let ns = GoDuration.parse(duration), ns > 0 else {
            throw InputError("'\(duration)' is not a valid duration; write it like 4h, 90m, 1h30m or 45s")
        }
        let type = row.type ?? defaults.type
        guard let action = Remediation(rawValue: type.lowercased()) else {
            throw InputError("type '\(type)' is not supported: use ban, slow or captcha")
        }
        return ManualBan(
            target: target, durationNs: ns, reason: row.reason ?? defaults.reason, action: action.rawValue,
            origin: origin)
    }

    /// One signal carrying every ban, recorded at `now`: a backend stores all of it or
    /// none of it (`insert` is all or nothing), and it is one insert call, not one a ban.
    /// Named as cscli names its import alert ("add: N IPs").
    func signal(at now: Int64, file: String) -> SignalOrder {
        let name = String(file.split(separator: "/").last ?? Substring(file)).prefix(200)
        return SignalOrder(
            scenario: "import: \(bans.count) bans", message: "imported \(bans.count) bans from \(name)", source: "",
            eventsCount: Int64(bans.count), startNs: now, stopNs: now, createdNs: now,
            bans: bans.map { ban in
                BanOrder(
                    target: ban.target, untilNs: now + ban.durationNs, reason: ban.reason, scenario: ban.reason,
                    action: ban.action, origin: ban.origin)
            })
    }
}
