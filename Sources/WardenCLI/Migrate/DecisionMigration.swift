import WardenBasics
import WardenEngine
import WardenModel

/// CrowdSec's active decisions as the signals Warden stores: one signal per alert, each
/// ban ending when the decision ends in CrowdSec. Worked out before anything is written.
struct DecisionMigration {
    /// The signals to store (alerts with at least one decision to take).
    var signals: [SignalOrder] = []
    var taken = 0
    /// Active decisions Warden holds already (same target, origin, scenario, type and end).
    var alreadyThere = 0
    var expired = 0
    var simulated = 0
    /// Taken decisions that came from CrowdSec's Central API (origins `CAPI`, `lists`), by origin.
    var central: [String: Int] = [:]
    /// Refused decisions: per reason, the values (in id order).
    var refused: [(reason: String, values: [String])] = []
    var refusedCount: Int { refused.reduce(0) { $0 + $1.values.count } }

    /// Plans the migration of `data`'s decisions at `now`. `existing` are the bans Warden
    /// holds (every live one); `refusal` is the allowlist's word on a target, nil when it
    /// may be banned.
    init(_ data: CrowdSecData, now: Int64, existing: [WardenModel.Ban], refusal: (BanTarget) throws -> String?) rethrows {
        var held: [String: [Int64]] = [:]
        for ban in existing {
            let target = BanTarget(storedText: ban.target)?.description ?? ban.target
            held[Self.key(target, ban.origin, ban.scenario, ban.action), default: []].append(ban.untilNs)
        }
        var byAlert: [Int64?: [Signals.MigratedBan]] = [:]
        var alertOrder: [Int64?] = []
        for decision in data.decisions {
            guard let until = decision.untilNs else {
                refuse("no end time in CrowdSec's database", decision.value)
                continue
            }
            guard until > now else {
                expired += 1
                continue
            }
            if decision.simulated {
                simulated += 1
                continue
            }
            guard ["ip", "range"].contains(decision.scope.lowercased()) else {
                refuse("scope \(decision.scope): Warden bans addresses and ranges only", decision.value)
                continue
            }
            let target: BanTarget
            do throws(AlertSignal.Refusal) { target = try AlertSignal.target(decision.value) } catch {
                refuse("not an address or a range", decision.value)
                continue
            }
            guard !decision.type.isEmpty else {
                refuse("no decision type", decision.value)
                continue
            }
            if let why = try refusal(target) {
                refuse(why, decision.value)
                continue
            }
            let key = Self.key(target.description, decision.origin, decision.scenario, decision.type)
            if let ends = held[key], ends.contains(where: { abs($0 - until) < 1_000_000_000 }) {
                alreadyThere += 1
                continue
            }
            if byAlert[decision.alertID] == nil { alertOrder.append(decision.alertID) }
            byAlert[decision.alertID, default: []].append(Signals.MigratedBan(
                target: target, untilNs: until, scenario: decision.scenario, type: decision.type, origin: decision.origin))
            taken += 1
            if ["capi", "lists"].contains(decision.origin.lowercased()) { central[decision.origin, default: 0] += 1 }
        }
        for alertID in alertOrder {
            let bans = byAlert[alertID]!
            if let alert = alertID.flatMap({ data.alerts[$0] }) {
                let scope = alert.sourceScope, value = alert.sourceValue
                signals.append(Signals.migrated(
                    scenario: alert.scenario, message: alert.message,
                    source: scope == "Ip" || scope == "Range" || value.isEmpty ? value : "\(scope) \(value)",
                    startNs: alert.startNs ?? now, stopNs: alert.stopNs ?? now, country: alert.country,
                    asName: alert.asName, asNumber: alert.asNumber, bans: bans, at: now))
            } else {
                let first = bans[0]
                signals.append(Signals.migrated(
                    scenario: first.scenario, message: "migrated from CrowdSec", source: "", startNs: now, stopNs: now,
                    bans: bans, at: now))
            }
        }
    }

    private mutating func refuse(_ reason: String, _ value: String) {
        if let index = refused.firstIndex(where: { $0.reason == reason }) {
            refused[index].values.append(value)
        } else {
            refused.append((reason, [value]))
        }
    }

    private static func key(_ target: String, _ origin: String, _ scenario: String, _ type: String) -> String {
        [target, origin, scenario, type].joined(separator: "\u{0}")
    }
}
