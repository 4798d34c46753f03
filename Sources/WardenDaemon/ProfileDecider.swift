import Logging
import WardenAlerts
import WardenProfiles

/// Alert intake's profiles: the compiled `profiles.yaml` (``Profiles``) behind the
/// ``AlertProfiles`` seam. An alert gets the decisions of the first matching profile with
/// decisions (or keeps its own), and the notifications of every matching profile, each
/// name once, in order.
struct ProfileDecider: AlertProfiles {
    let profiles: Profiles
    let logger: Logger

    func verdict(for alert: Alert, machine: String) throws -> ProfileVerdict {
        let verdict = try profiles.evaluate(alert, logger: logger)
        var notifications: [String] = []
        for name in verdict.routes.flatMap(\.notifications) where !notifications.contains(name) {
            notifications.append(name)
        }
        return ProfileVerdict(decisions: verdict.decisions, notifications: notifications)
    }
}
