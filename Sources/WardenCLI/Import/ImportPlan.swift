import WardenBasics
import WardenEngine
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

    /// Checks every row of `file` against `allowlist` at `now` (the engine's rule),
    /// calling `progress` with the number of rows checked after each.
    /// - Throws: why the allowlist cannot be read.
    init(_ file: DecisionFile, defaults: Defaults, allowlist: any AllowlistSource, now: Int64,
         progress: (Int) -> Void = { _ in }) throws {
        var position: [BanTarget: Int] = [:]
        problems = file.problems
        for (count, row) in file.rows.enumerated() {
            defer { progress(count + 1) }
            let ban: ManualBan
            do throws(InputError) { ban = try Self.ban(row, defaults) } catch {
                problems.append(RowProblem(line: row.line, message: error.message))
                continue
            }
            if let refusal = try Engine.refusal(for: ban.target, at: now, in: allowlist) {
                problems.append(RowProblem(line: row.line, message: refusal.description))
                continue
            }
            if let earlier = position[ban.target] {
                bans[earlier] = ban
            } else {
                position[ban.target] = bans.count
                bans.append(ban)
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
}
