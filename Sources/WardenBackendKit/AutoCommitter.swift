/// A backend's auto-commit thread: every `auto_commit_interval` it calls `work`
/// with the host's time and whether expiry (every second) and retention (every
/// minute) are due; `work` commits what is pending and does those. It logs what
/// was expired or purged, and an error once per outage rather than once per tick.
public final class AutoCommitter: @unchecked Sendable {
    private var worker: PeriodicWorker?
    private var lastExpiryNs: Int64 = 0
    private var lastRetentionNs: Int64 = 0
    private var lastError = ""

    /// Starts the thread.
    public init(
        host: BackendHost, settings: BackgroundSettings,
        work: @escaping @Sendable (_ now: Int64, _ expire: Bool, _ retain: Bool) throws -> MaintenanceReport
    ) {
        worker = PeriodicWorker(intervalNs: settings.autoCommitIntervalNs) { [unowned self] in
            let now = host.now()
            let expire = now - lastExpiryNs >= 1_000_000_000
            let retain = now - lastRetentionNs >= 60_000_000_000
            do {
                let report = try work(now, expire, retain)
                if expire { lastExpiryNs = now }
                if retain { lastRetentionNs = now }
                if report.expired > 0 { host.log(.info, "expired \(report.expired) ban(s)") }
                if report.purged > 0 { host.log(.info, "retention purged \(report.purged) record(s)") }
                lastError = ""
            } catch {
                let text = "\(error)"
                if text != lastError { host.log(.error, "auto-commit: \(text)") }
                lastError = text
            }
        }
    }

    /// Stops and joins the thread. Harmless when already stopped.
    public func stop() {
        worker?.stop()
        worker = nil
    }
}
