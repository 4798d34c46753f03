import WardenAlerts
import WardenModel

/// What an alert carries that a signal has no member for (its machine, its bucket's
/// capacity and leak speed, its scenario's hash and version, its source as sent), kept
/// in the signal's labels under reserved `lapi/` keys, so that `GET /v1/alerts` can
/// show the alert as LAPI stored it, from any backend, after a restart.
///
/// The alert's own labels are kept as keys with an empty value; a scenario label that
/// starts with `lapi/` would be taken for one of these, which no CrowdSec scenario does.
public enum AlertProvenance {
    public static let prefix = "lapi/"

    /// The reserved labels of `alert` (its `machineID` set by the intake), whose kept
    /// decisions were sent with `sentScopes` and became `bans`. The scopes are kept
    /// (comma-separated, in ban order) only when one differs from its ban's, as LAPI
    /// lists a CIDR imported as `Ip` with scope `Ip`.
    static func labels(of alert: Alert, sentScopes: [String], bans: [BanOrder]) -> [String: String] {
        let source = alert.source ?? AlertSource()
        let fields: [(String, String)] = [
            ("machine_id", alert.machineID), ("capacity", alert.capacity.map { String($0) } ?? ""),
            ("leakspeed", alert.leakspeed ?? ""), ("scenario_hash", alert.scenarioHash ?? ""),
            ("scenario_version", alert.scenarioVersion ?? ""), ("source_scope", source.scope ?? ""),
            ("source_value", source.value ?? ""), ("source_ip", source.ip), ("source_range", source.range),
            ("source_as_name", source.asName), ("source_as_number", source.asNumber), ("source_cn", source.cn),
        ]
        var labels: [String: String] = [:]
        for (key, value) in fields where !value.isEmpty { labels[prefix + key] = value }
        if sentScopes != bans.map(\.target.scopeName) { labels[prefix + "decision_scopes"] = sentScopes.joined(separator: ",") }
        return labels
    }

    /// The scopes a stored signal's decisions were sent with, in ban order, or nil when each is its ban's.
    public static func sentScopes(in labels: [String: String]) -> [String]? {
        labels[prefix + "decision_scopes"].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The reserved label `key` (without its prefix) of a stored signal, or "".
    public static func value(_ key: String, in labels: [String: String]) -> String {
        labels[prefix + key] ?? ""
    }

    /// The alert's own labels: the keys that are not reserved, sorted; nil when none (LAPI's `null`).
    public static func alertLabels(_ labels: [String: String]) -> [String]? {
        let own = labels.keys.filter { !$0.hasPrefix(prefix) }.sorted()
        return own.isEmpty ? nil : own
    }

    /// The alert's source scope and value as sent; for a signal stored without them, from
    /// the signal's source (`Ip`/`Range` by its form, `Scope value` for the others).
    public static func sourceScopeAndValue(of record: SignalRecord) -> (scope: String, value: String) {
        let labels = record.labels
        if labels[prefix + "source_scope"] != nil || labels[prefix + "source_value"] != nil {
            return (value("source_scope", in: labels), value("source_value", in: labels))
        }
        let source = record.source
        if let space = source.firstIndex(of: " ") {
            return (String(source[..<space]), String(source[source.index(after: space)...]))
        }
        return (source.contains("/") ? "Range" : "Ip", source)
    }
}
