/// The checks CrowdSec 1.4.6's LAPI runs on a `POST /v1/alerts` body before anything
/// else (its swagger-generated `Validate`), with the message it answers.
///
/// LAPI stops at the first alert that fails and reports every missing required field of
/// that alert, in field order. Nested objects (source, each event, each decision) report
/// as nested lists, and each list repeats go-openapi's `validation failure list:`
/// header, so one missing `source.scope` reads
/// `validation failure list:\nvalidation failure list:\n0.source.scope in body is required`.
public enum AlertValidation {
    /// The message for the first invalid alert of `alerts`, or nil when all pass.
    public static func failure(of alerts: [Alert]) -> String? {
        for (index, alert) in alerts.enumerated() {
            if let failure = check(alert) {
                return failure.prefixed("\(index)").message
            }
        }
        return nil
    }

    /// One failed check: a single missing field, or a list of them.
    indirect enum Failure {
        case required(String)
        case list([Failure])

        func prefixed(_ name: String) -> Failure {
            switch self {
            case .required(let path): .required(name + "." + path)
            case .list(let items): .list(items.map { $0.prefixed(name) })
            }
        }

        var message: String {
            switch self {
            case .required(let path): "\(path) in body is required"
            case .list(let items): (["validation failure list:"] + items.map(\.message)).joined(separator: "\n")
            }
        }
    }

    static func check(_ alert: Alert) -> Failure? {
        var failures: [Failure] = []
        func require(_ present: Bool, _ name: String) {
            if !present { failures.append(.required(name)) }
        }
        require(alert.capacity != nil, "capacity")
        // Decisions are optional; the first invalid one is reported, null entries cannot occur (they fail decoding).
        for (index, decision) in (alert.decisions ?? []).enumerated() {
            if let failure = check(decision) {
                failures.append(failure.prefixed("decisions.\(index)"))
                break
            }
        }
        if let events = alert.events {
            for (index, event) in events.enumerated() {
                if let failure = check(event) {
                    failures.append(failure.prefixed("events.\(index)"))
                    break
                }
            }
        } else {
            require(false, "events")
        }
        require(alert.eventsCount != nil, "events_count")
        require(alert.leakspeed != nil, "leakspeed")
        require(alert.message != nil, "message")
        require(alert.scenario != nil, "scenario")
        require(alert.scenarioHash != nil, "scenario_hash")
        require(alert.scenarioVersion != nil, "scenario_version")
        require(alert.simulated != nil, "simulated")
        if let source = alert.source {
            if let failure = check(source) { failures.append(failure.prefixed("source")) }
        } else {
            require(false, "source")
        }
        require(alert.startAt != nil, "start_at")
        require(alert.stopAt != nil, "stop_at")
        return failures.isEmpty ? nil : .list(failures)
    }

    static func check(_ decision: AlertDecision) -> Failure? {
        let missing = [
            (decision.duration, "duration"), (decision.origin, "origin"), (decision.scenario, "scenario"),
            (decision.scope, "scope"), (decision.type, "type"), (decision.value, "value"),
        ].filter { $0.0 == nil }.map { Failure.required($0.1) }
        return missing.isEmpty ? nil : .list(missing)
    }

    static func check(_ event: AlertEvent) -> Failure? {
        var missing: [Failure] = []
        if event.meta == nil { missing.append(.required("meta")) }
        if event.timestamp == nil { missing.append(.required("timestamp")) }
        return missing.isEmpty ? nil : .list(missing)
    }

    static func check(_ source: AlertSource) -> Failure? {
        var missing: [Failure] = []
        if source.scope == nil { missing.append(.required("scope")) }
        if source.value == nil { missing.append(.required("value")) }
        return missing.isEmpty ? nil : .list(missing)
    }
}
