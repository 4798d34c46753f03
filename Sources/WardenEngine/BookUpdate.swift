import WardenDecisions

/// What one refresh of the ``DecisionBook`` changed: each decision added and removed,
/// in order (expiry excluded). The daemon logs the counts and counts bans created and
/// deleted per origin from the events.
public struct BookUpdate: Sendable, Equatable {
    public var events: [DecisionEvent]

    public init(events: [DecisionEvent] = []) {
        self.events = events
    }

    /// How many decisions were added.
    public var added: Int { events.count { if case .added = $0 { true } else { false } } }
    /// How many were removed (deleted, ended, or replaced by a newer one).
    public var removed: Int { events.count - added }
}
