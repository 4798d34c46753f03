/// The engine's bounds and pacing. The defaults are CrowdSec's where it has one.
public struct NotificationSettings: Sendable {
    /// Alerts a notification holds before it drops new ones (each drop counted and logged).
    public var queueCapacity = 10_000
    /// How often batching is checked when `group_wait` alone does not set the pace (CrowdSec: 1 s).
    public var tick: Duration = .seconds(1)
    /// The pause after a batch's first failed attempt, doubled after each further one (CrowdSec: 1 s).
    public var retryBackoff: Duration = .seconds(1)
    /// The pause before a crashed or hung plugin's first restart, doubled while it keeps failing...
    public var restartBackoff: Duration = .milliseconds(500)
    /// ...up to this.
    public var maximumRestartBackoff: Duration = .seconds(30)
    /// How many times a batch waits for its plugin's restart when the plugin died under the
    /// call, without spending one of its `max_retry` attempts: bounds a plugin
    /// that dies on every call.
    public var crashRetries = 10
    /// How long a new plugin process has to print its handshake.
    public var handshakeTimeout: Duration = .seconds(10)
    /// The deadline of `Configure` and of the `Shutdown` request.
    public var controlTimeout: Duration = .seconds(5)
    /// How long a plugin has to exit after `Shutdown` before it is killed (go-plugin: 2 s).
    public var exitGrace: Duration = .seconds(2)

    public init() {}
}
