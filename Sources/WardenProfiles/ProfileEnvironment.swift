import WardenBasics
import WardenExpr

/// The environment every filter and `duration_expr` compiles against: `Alert`, CrowdSec's
/// helpers, and the counting helpers answered by a ``DecisionHistory``.
public enum ProfileEnvironment {
    /// - Parameters:
    ///   - history: answers GetDecisionsCount, GetDecisionsSinceCount, GetActiveDecisionsCount
    ///     and GetActiveDecisionsTimeLeft.
    ///   - now: the current time in seconds since 1970, for `TimeNow()`.
    public static func make(history: any DecisionHistory, now: @escaping @Sendable () -> Int64) -> Environment {
        var functions = CrowdSecHelpers.functions(now: { rfc3339(now()) })
        functions["GetDecisionsCount"] = Function(Signature([.string], returns: .intType)) { args in
            .int(history.decisionsCount(value: text(args[0])))
        }
        functions["GetDecisionsSinceCount"] = Function(Signature([.string, .string], returns: .intType)) { args in
            // CrowdSec answers 0 (and logs) when `since` is not a Go duration.
            guard let nanoseconds = GoDuration.parse(text(args[1])) else { return .int(0) }
            return .int(history.decisionsCount(value: text(args[0]), since: nanoseconds / 1_000_000_000))
        }
        functions["GetActiveDecisionsCount"] = Function(Signature([.string], returns: .intType)) { args in
            .int(history.activeDecisionsCount(value: text(args[0])))
        }
        functions["GetActiveDecisionsTimeLeft"] = Function(Signature([.string], returns: .int(.duration))) { args in
            Duration.value(seconds: history.activeDecisionsTimeLeft(value: text(args[0])))
        }
        return Environment(variables: ["Alert": .pointer(.object(AlertTypes.alert))], functions: functions)
    }

    private static func text(_ value: Value) -> String {
        if case .string(let s) = value { return s }
        return ""
    }

    /// RFC 3339 in UTC, as Go's `time.Now().UTC().Format(time.RFC3339)`: `2026-11-24T04:00:00Z`.
    static func rfc3339(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
