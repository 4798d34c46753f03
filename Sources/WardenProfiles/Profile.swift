import WardenAlerts
import WardenBasics
import WardenExpr

/// A profile compiled once at load: its filters and `duration_expr` as programs.
public struct Profile: Sendable {
    public let config: ProfileConfig
    let filters: [Program]
    let durationExpression: Program?

    /// The profile's label in messages: its name, or its position when it has none.
    public var label: String

    /// What running the filters over one alert gave.
    struct Match {
        var matched: Bool
        /// One copy of the profile's decisions per true filter, as CrowdSec makes them.
        var decisions: [AlertDecision]
    }

    /// Runs every filter (CrowdSec does not stop at the first true one: each true filter
    /// adds a copy of the decisions) and builds the decisions of each match.
    func evaluate(_ alert: Alert, _ alertValue: Value, log: (String) -> Void) throws(ProfileError) -> Match {
        var match = Match(matched: false, decisions: [])
        for (index, filter) in filters.enumerated() {
            let result: Value
            do {
                result = try filter.run(["Alert": alertValue])
            } catch {
                throw ProfileError(profile: label, "while running expression \(filter.source): \(error)")
            }
            guard case .bool(let passed) = result else {
                let text = GoFormat.sprintf(
                    "unexpected type %t (%v) while running '%s'", [result, result, .string(filter.source)])
                throw ProfileError(profile: label, text)
            }
            if config.debug { log("profile '\(label)': filter \(index + 1) (\(filter.source)) is \(passed)") }
            guard passed else { continue }
            match.matched = true
            match.decisions += decisions(for: alert, alertValue, log: log)
        }
        return match
    }

    /// The profile's decisions for `alert`, as CrowdSec 1.4.6's GenerateDecisionFromProfile
    /// builds them.
    func decisions(for alert: Alert, _ alertValue: Value, log: (String) -> Void) -> [AlertDecision] {
        config.decisions.map { template in
            var decision = AlertDecision()
            if template.simulated || alert.simulated == true { decision.simulated = true }
            decision.scope = template.scope ?? alert.source?.scope
            decision.duration = duration(template, alertValue, log: log)
            decision.type = template.type
            decision.value = alert.source?.value
            decision.origin = template.origin.map { "crowdsec/\($0)" } ?? "crowdsec"
            decision.scenario = alert.scenario
            return decision
        }
    }

    /// `duration_expr`'s result when it runs and reads as a Go duration, else the
    /// decision's own `duration` (CrowdSec logs a warning and falls back the same way),
    /// else CrowdSec's default of 4h.
    private func duration(_ template: ProfileConfig.DecisionTemplate, _ alertValue: Value, log: (String) -> Void)
        -> String
    {
        let fallback = template.duration ?? "4h"
        guard let durationExpression else { return fallback }
        do {
            let text = GoFormat.plain(try durationExpression.run(["Alert": alertValue]))
            guard GoDuration.parse(text) != nil else {
                log("profile '\(label)': duration_expr gave '\(text)', not a Go duration; using \(fallback)")
                return fallback
            }
            return text
        } catch {
            log("profile '\(label)': duration_expr failed: \(error.summary); using \(fallback)")
            return fallback
        }
    }
}

/// A profile failed while evaluating an alert (a filter failed to run or gave a non-bool).
public struct ProfileError: Error, Sendable, CustomStringConvertible {
    public var profile: String
    public var message: String

    init(profile: String, _ message: String) {
        self.profile = profile
        self.message = message
    }

    public var description: String { message }
}
