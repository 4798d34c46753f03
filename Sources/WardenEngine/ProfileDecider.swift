import Logging
import WardenAlerts
import WardenProfiles

/// What the profiles decided for one alert.
public struct ProfileVerdict: Sendable, Equatable {
    /// The decisions for an alert that carries none, as a profile's `decisions` make them.
    public var decisions: [AlertDecision]
    /// The notification plugins (`notifications:`) of every profile that matched, each once, in order.
    public var notifications: [String]
    /// The backends the alert goes to (a profile's legacy `outputs`); nil: every backend.
    public var outputs: [String]?

    public init(decisions: [AlertDecision] = [], notifications: [String] = [], outputs: [String]? = nil) {
        self.decisions = decisions
        self.notifications = notifications
        self.outputs = outputs
    }
}

/// What alert intake asks the profiles about each alert: the compiled `profiles.yaml`
/// (``Profiles``), or, without one, CrowdSec's shipped default profile. An alert without
/// decisions gets the verdict's decisions; an alert that carries its own (`cscli decisions
/// add/import`) keeps them, and only the notifications and outputs apply.
public struct ProfileDecider: Sendable {
    let profiles: Profiles?
    let logger: Logger

    /// - Parameter profiles: the compiled file; nil for CrowdSec's default profile.
    public init(profiles: Profiles?, logger: Logger) {
        self.profiles = profiles
        self.logger = logger
    }

    /// Whether deciding may wait for backends: a profiles file's expressions may call the
    /// counting helpers; CrowdSec's default profile never does.
    public var mayWaitForBackends: Bool { profiles != nil }

    /// What the profiles decide for `alert`.
    /// - Throws: an error whose description LAPI would answer with (500), e.g. a filter
    ///   that failed at run time.
    public func verdict(for alert: Alert) throws -> ProfileVerdict {
        guard let profiles else { return Self.defaultVerdict(for: alert) }
        let verdict = try profiles.evaluate(alert, logger: logger)
        var notifications: [String] = []
        for name in verdict.routes.flatMap(\.notifications) where !notifications.contains(name) {
            notifications.append(name)
        }
        return ProfileVerdict(decisions: verdict.decisions, notifications: notifications, outputs: verdict.outputs)
    }

    /// CrowdSec's default profile (`default_ip_remediation` in the shipped `profiles.yaml`):
    /// an alert asking for remediation about an `Ip` gets one `ban` of 4h on its source
    /// value, with origin `crowdsec` and the alert's scenario; anything else gets nothing.
    ///
    /// ```yaml
    /// name: default_ip_remediation
    /// filters:
    ///  - Alert.Remediation == true && Alert.GetScope() == "Ip"
    /// decisions:
    ///  - type: ban
    ///    duration: 4h
    /// on_success: break
    /// ```
    static func defaultVerdict(for alert: Alert) -> ProfileVerdict {
        guard alert.remediation, let source = alert.source, source.scope == "Ip" else { return ProfileVerdict() }
        let decision = AlertDecision(
            duration: "4h", origin: "crowdsec", scenario: alert.scenario ?? "", scope: "Ip",
            simulated: alert.simulated ?? false, type: "ban", value: source.value ?? "")
        return ProfileVerdict(decisions: [decision])
    }

    /// Why the profiles' legacy `outputs` cannot be used with these backends, or nil: a
    /// name that is not a loaded backend (its alerts could never be stored there), or a
    /// profile that leaves out `served`, the backend whose decisions bouncers get and whose
    /// ids clients see (the store's `readers`' first): its alerts would be stored and never
    /// enforced. Either stops the start, naming the profile.
    /// - Parameter loaded: the names of the loaded backends.
    /// - Returns: the line of the profile at fault and the message.
    public func outputsProblem(loaded: [String], served: String?) -> (line: Int, message: String)? {
        guard let profiles else { return nil }
        for profile in profiles.profiles {
            guard let outputs = profile.config.outputs else { continue }
            let label = profile.config.name.isEmpty ? "a profile" : "profile '\(profile.config.name)'"
            if let unknown = outputs.first(where: { !loaded.contains($0.backend) }) {
                return (profile.config.line, "\(label): outputs names the backend '\(unknown.backend)', which is not "
                    + "loaded (loaded: \(loaded.joined(separator: ", "))); name the `name:` of a backend file that loads "
                    + "(see 'warden backends list')")
            }
            if let served, !(profile.config.storingBackends ?? []).contains(served) {
                return (profile.config.line, "\(label): outputs leaves out '\(served)', the backend bouncers are "
                    + "served from; its decisions would be stored and never enforced; add '- plugin: \(served)' to its outputs")
            }
        }
        return nil
    }

    /// Those of `backends` that every alert is stored in: the ones no profile's `outputs`
    /// leaves out. The decision book follows only these, so a failover never serves a
    /// backend that lacks some alerts' bans.
    public func backendsStoringEveryAlert(among backends: [String]) -> [String] {
        let chosen = profiles?.profiles.compactMap(\.config.storingBackends) ?? []
        return backends.filter { name in chosen.allSatisfy { $0.contains(name) } }
    }
}
