/// Every metric `warden-daemon` exposes, named once: the daemon registers these, `warden
/// metrics` reads them, tests and the README quote them. Prometheus conventions: a
/// `warden_` prefix, counters end in `_total`, durations are histograms in seconds.
///
/// Labels take bounded values only: route templates (never raw paths), names of
/// configured backends, registered bouncers and machines, LAPI origins.
public enum WardenMetricNames {
    /// Counter `{origin, backend}`: bans that appeared in the store while the daemon ran, as
    /// it learns them from the backend it follows (change feed or full read). `origin` is
    /// the LAPI origin (`cscli`, `crowdsec`, `CAPI`...). The bans already stored at start
    /// are not counted.
    public static let bansCreated = "warden_bans_created_total"
    /// Counter `{origin, backend}`: bans deleted while the daemon ran. Bans reaching their
    /// end are not deleted ones.
    public static let bansDeleted = "warden_bans_deleted_total"
    /// Gauge `{origin, scope}`: decisions active now (`scope`: `Ip` or `Range`), as bouncers see them.
    public static let activeBans = "warden_active_bans"

    /// Counter `{route, method, status}`: Local API requests answered. `route` is the
    /// route template (`/v1/decisions/stream`), `unmatched` for a path no route serves.
    public static let apiRequests = "warden_api_requests_total"
    /// Histogram `{route, method}`, seconds: the time to answer a Local API request.
    public static let apiRequestDuration = "warden_api_request_duration_seconds"
    /// Counter `{bouncer, route}`: decision pulls (`/v1/decisions` and its stream) answered to each bouncer.
    public static let bouncerPulls = "warden_bouncer_pulls_total"
    /// Counter `{bouncer, name, unit, origin, remediation}`: what bouncers report they did
    /// (`POST /v1/usage-metrics`: `dropped` requests, bytes, packets...), summed over
    /// their reports while the daemon ran. At most ``usageSeriesPerBouncer`` series per bouncer.
    public static let bouncerUsage = "warden_bouncer_usage_total"
    /// The most label sets ``bouncerUsage`` keeps per bouncer: a bouncer's labels come from
    /// its reports, and a buggy or hostile one must not grow the registry without end.
    public static let usageSeriesPerBouncer = 64

    /// Histogram `{backend, operation}`, seconds: calls the daemon made into a backend
    /// (`insert`, `read`, `changes`, `delete`, `delete_all`, `shutdown`).
    public static let backendCallDuration = "warden_backend_call_duration_seconds"
    /// Counter `{backend, operation}`: those calls that failed.
    public static let backendCallErrors = "warden_backend_call_errors_total"
    /// Gauge `{backend}`: how long, in whole seconds, the call the backend is in now has
    /// been running; 0 when it is idle. A value that keeps growing is a hung backend.
    public static let backendCallRunning = "warden_backend_call_running_seconds"
    /// Counter `{backend, event}`: what backends count themselves (ABI 1.3 `count`), such as
    /// `conflict_retry`: a transaction the server undid for a conflict and the backend ran again.
    public static let backendEvents = "warden_backend_events_total"

    /// Counter `{result}`: machine logins answered (`POST /v1/watchers/login`), `result`
    /// being one of ``loginResults``: `accepted`, `refused` (LAPI's 401) or `throttled`
    /// (429: too many failed logins from that address or as that machine).
    public static let machineLogins = "warden_machine_logins_total"
    /// The `result` values of ``machineLogins``.
    public static let loginResults = ["accepted", "refused", "throttled"]
    /// Counter `{reason}`: Local API connections the daemon closed or turned away, `reason`
    /// being one of ``connectionCloseReasons``.
    public static let apiConnectionsClosed = "warden_api_connections_closed_total"
    /// The `reason` values of ``apiConnectionsClosed``: a timeout (`api.server.read_header_timeout`,
    /// `read_body_timeout`, `idle_timeout`) or the per-address bound (`max_connections_per_ip`).
    public static let connectionCloseReasons = ["header_timeout", "body_timeout", "idle_timeout", "per_ip_limit"]

    /// Counter `{machine}`: alerts received from each agent (`POST /v1/alerts`).
    public static let alertsReceived = "warden_alerts_received_total"
    /// Counter, no labels: decisions dropped because their target is allowlisted.
    public static let allowlistRefusals = "warden_allowlist_refusals_total"
    /// Counter `{notification, result}`: notifications per notification config, `result`
    /// being `sent`, `failed` (given up after its retries) or `dropped` (queue full).
    public static let notifications = "warden_notifications_total"
    /// Gauge `{notification}`: alerts queued for the notification, waiting for their batch.
    public static let notificationPending = "warden_notification_pending"
    /// Gauge `{notification, state}`: 1 for the state the notification's plugin is in, 0
    /// for the others (`state`: a ``PluginStateValue``), so a query reads the
    /// state without parsing a label and a change shows as two series moving.
    public static let notificationPluginState = "warden_notification_plugin_state"
    /// Gauge `{notification}`: how many times the notification's plugin was restarted
    /// (after a crash, a hang or a failed start) since the daemon started.
    public static let notificationPluginRestarts = "warden_notification_plugin_restarts"
    /// Gauge `{notification}`: the plugin's process id while it runs, else 0.
    public static let notificationPluginPid = "warden_notification_plugin_pid"
    /// Gauge `{notification}`: while the plugin is `restarting`, the failures in a row that
    /// led there (they set the backoff); else 0.
    public static let notificationPluginFailures = "warden_notification_plugin_failures"

    /// The `result` values of ``notifications``.
    public static let notificationResults = ["sent", "failed", "dropped"]
    /// The `state` values of ``notificationPluginState``.
    public enum PluginStateValue: String, CaseIterable, Sendable {
        /// Not started yet, or its start at boot failed (the first notification tries again).
        case notStarted = "not_started"
        case starting
        case running
        /// Waiting out the backoff after a crash, a hang or a failed start.
        case restarting
        /// Stopped by the daemon's shutdown.
        case stopped
    }
    /// The `route` of a request no route serves.
    public static let unmatchedRoute = "unmatched"
}
