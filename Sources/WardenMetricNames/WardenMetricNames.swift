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
    /// are not counted; a ban replacing another of the same target counts as created.
    public static let bansCreated = "warden_bans_created_total"
    /// Counter `{origin, backend}`: bans deleted (or replaced by a newer ban of their
    /// target) while the daemon ran. Bans reaching their end are not deleted ones.
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

    /// Histogram `{backend, operation}`, seconds: calls the daemon made into a backend
    /// (`insert`, `read`, `changes`, `delete`, `delete_all`, `shutdown`).
    public static let backendCallDuration = "warden_backend_call_duration_seconds"
    /// Counter `{backend, operation}`: those calls that failed.
    public static let backendCallErrors = "warden_backend_call_errors_total"

    /// Counter `{machine}`: alerts received from each agent (`POST /v1/alerts`).
    public static let alertsReceived = "warden_alerts_received_total"
    /// Counter, no labels: decisions dropped because their target is allowlisted.
    public static let allowlistRefusals = "warden_allowlist_refusals_total"
    /// Counter `{notification, result}`: notifications per notification config, `result`
    /// being `sent`, `failed` (given up after its retries) or `dropped` (queue full).
    public static let notifications = "warden_notifications_total"

    /// The `result` values of ``notifications``.
    public static let notificationResults = ["sent", "failed", "dropped"]
    /// The `route` of a request no route serves.
    public static let unmatchedRoute = "unmatched"
}
