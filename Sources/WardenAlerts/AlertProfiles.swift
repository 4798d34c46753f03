/// The seam between alert intake and profiles: what `POST /v1/alerts` asks about each
/// alert. An alert without decisions gets the verdict's decisions; an alert that carries
/// its own (`cscli decisions add/import`) keeps them, and only the notifications apply.
/// The profiles module (CrowdSec's `profiles.yaml`, with expr filters) implements it;
/// ``DefaultProfile`` is CrowdSec's shipped profile until then.
public protocol AlertProfiles: Sendable {
    /// What the profiles decide for `alert`, pushed by `machine`.
    /// - Throws: an error whose description LAPI would answer with (500), e.g. a filter
    ///   that failed at run time.
    func verdict(for alert: Alert, machine: String) throws -> ProfileVerdict
}

/// What the profiles decided for one alert.
public struct ProfileVerdict: Sendable, Equatable {
    /// The decisions for an alert that carries none, as a profile's `decisions` make them.
    public var decisions: [AlertDecision]
    /// The notification plugins (`notifications:`) of every profile that matched.
    public var notifications: [String]

    public init(decisions: [AlertDecision] = [], notifications: [String] = []) {
        self.decisions = decisions
        self.notifications = notifications
    }
}

/// CrowdSec's default profile (`default_ip_remediation` in the shipped `profiles.yaml`):
/// an alert asking for remediation about an `Ip` gets one `ban` of 4h on its source value,
/// with origin `crowdsec` and the alert's scenario; anything else gets nothing.
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
public struct DefaultProfile: AlertProfiles {
    public init() {}

    public func verdict(for alert: Alert, machine: String) throws -> ProfileVerdict {
        guard alert.remediation, let source = alert.source, source.scope == "Ip" else { return ProfileVerdict() }
        let decision = AlertDecision(
            duration: "4h", origin: "crowdsec", scenario: alert.scenario ?? "", scope: "Ip",
            simulated: alert.simulated ?? false, type: "ban", value: source.value ?? "")
        return ProfileVerdict(decisions: [decision])
    }
}
