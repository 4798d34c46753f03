import WardenBasics
import WardenModel
import WardenStore

/// The query parameters of `GET /v1/alerts` and `DELETE /v1/alerts`, read as CrowdSec
/// 1.4.6 reads them (`AlertPredicatesFromFilter`), turned into the store's
/// ``SignalQuery`` plus what the store has no filter for. Each parameter's first value
/// counts, as in Go; an unknown parameter or a bad value is LAPI's 500 with its message.
///
/// Differences, because a signal records less than an alert: `since`/`until` compare
/// with when the alert was stored, not its first event; `scenario` is the alert's, not
/// its decisions' (the same for `cscli` and agent alerts); the ban filters must hold
/// for one decision at once.
public struct AlertFilter: Equatable, Sendable {
    var query = SignalQuery(limit: 100)
    /// `include_capi=false`: only alerts with a decision of one of these origins (indexed, one query each).
    var origins: [String]?
    /// `scope`, `value`: the alert's source, as sent.
    var sourceScope: String?
    var sourceValue: String?
    /// `simulated=false`: leave simulated alerts out.
    var notSimulated = false
    /// `has_active_decision=false`: alerts without decisions, which Warden never stores.
    var withoutDecisions = false
    /// `sort=ASC`: oldest first.
    var ascending = false

    /// The filter of `items` (decoded query items, in order), at `now`.
    public static func parse(_ items: [(String, String)], now: Int64) throws(EngineError) -> AlertFilter {
        var filter = AlertFilter()
        var first: [String: String] = [:]
        var names: [String] = []
        for (name, value) in items where first[name] == nil {
            first[name] = value
            names.append(name)
        }
        var contains = true
        var target: BanTarget?
        for name in names {
            let value = first[name]!
            switch name {
            case "contains":
                guard let flag = goBool(value) else {
                    throw failure("invalid contains value : \(parseBoolError(value)): invalid filter")
                }
                contains = flag
            case "scope":
                switch value.lowercased() {
                case "ip": filter.sourceScope = "Ip"
                case "range": filter.sourceScope = "Range"
                default: filter.sourceScope = value
                }
            case "value": filter.sourceValue = value
            case "scenario": filter.query.scenario = value
            case "ip", "range": target = try address(value)
            case "since": filter.query.createdAfter = now - (try ago(value))
            case "until", "created_before": filter.query.createdBefore = now - (try ago(value))
            case "decision_type": filter.query.action = value
            case "origin": filter.query.origin = value
            case "include_capi":
                if value == "false" { filter.origins = ["crowdsec", "cscli"] }
            case "has_active_decision":
                guard let flag = goBool(value) else {
                    throw failure("'\(value)' is not a boolean: \(parseBoolError(value)): unable to parse type")
                }
                filter.query.activeOnly = flag
                filter.withoutDecisions = !flag
            case "limit":
                guard let limit = Int(value) else { throw failure("bad limit in parameters: [\(value)]: unable to query") }
                filter.query.limit = limit > 0 ? limit : nil
            case "sort": filter.ascending = value == "ASC"
            case "simulated": filter.notSimulated = value == "false"
            default: throw failure("Filter parameter '\(name)' is unknown (=\(value)): invalid filter")
            }
        }
        // An origin asked for includes every origin, as in LAPI.
        if filter.query.origin != nil { filter.origins = nil }
        if let target {
            if contains { filter.query.containing = target } else { filter.query.within = target }
        }
        return filter
    }

    /// Whether `record` meets what the store could not filter.
    func keeps(_ record: SignalRecord) -> Bool {
        if notSimulated && record.simulated { return false }
        let (scope, value) = AlertProvenance.sourceScopeAndValue(of: record)
        if let sourceScope, scope != sourceScope { return false }
        if let sourceValue, value != sourceValue { return false }
        return true
    }

    /// Whether some of the filtering happens here rather than in the store, so the store's limit cannot be used.
    var filtersAfterReading: Bool { notSimulated || sourceScope != nil || sourceValue != nil }

    /// An `ip` or `range` parameter, with LAPI's message for one Go cannot parse.
    static func address(_ value: String) throws(EngineError) -> BanTarget {
        do throws(AlertSignal.Refusal) {
            return try AlertSignal.target(value)
        } catch {
            let why = value.contains("/")
                ? "while parsing range \(value): invalid CIDR address: \(value)" : "invalid address"
            throw failure("unable to convert '\(value)' to int: \(why): invalid ip address / range")
        }
    }

    /// A duration as CrowdSec's `ParseDuration` reads it (Go's, plus whole days `3d`), in ns.
    static func ago(_ text: String) throws(EngineError) -> Int64 {
        if text.hasSuffix("d"), let days = Int64(text.dropLast()) { return days * 86_400_000_000_000 }
        guard let ns = GoDuration.parse(text) else {
            throw failure("while parsing duration: \(AlertSignal.goDurationError(text))")
        }
        return ns
    }

    /// Go's `strconv.ParseBool`.
    static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    static func parseBoolError(_ text: String) -> String {
        "strconv.ParseBool: parsing \"\(text)\": invalid syntax"
    }

    static func failure(_ message: String) -> EngineError {
        EngineError(.refused, message)
    }
}
