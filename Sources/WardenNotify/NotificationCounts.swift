/// What happened to one notification's alerts since Warden started, counted in alerts.
public struct NotificationCounts: Sendable, Equatable {
    /// Alerts in batches the plugin accepted.
    public var sent = 0
    /// Alerts in batches given up: every attempt failed, or the text could not be rendered.
    public var failed = 0
    /// Alerts refused because the queue was full, or still unsent when shutdown ran out of time.
    public var dropped = 0
    /// Alerts waiting for their batch.
    public var pending = 0

    public init(sent: Int = 0, failed: Int = 0, dropped: Int = 0, pending: Int = 0) {
        self.sent = sent
        self.failed = failed
        self.dropped = dropped
        self.pending = pending
    }
}

/// What became of alerts handed to a notification: what ``NotificationHub`` reports to
/// its observer (the daemon's metrics), once per settled batch or dropped alert.
public enum NotificationOutcome: String, Sendable, CaseIterable {
    case sent, failed, dropped
}

/// Told the notification's name, the outcome and how many alerts it concerns.
public typealias NotificationObserver = @Sendable (_ name: String, _ outcome: NotificationOutcome, _ alerts: Int) -> Void

/// One notification as `warden notifications list` shows it.
public struct NotificationStatus: Sendable, Equatable {
    public var name: String
    public var type: String
    /// The plugin binary that was picked.
    public var plugin: String
    public var state: PluginState
    public var restarts: Int
    public var counts: NotificationCounts
}
