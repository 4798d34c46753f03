/// A backend's auto-commit thread: every `auto_commit_interval` it calls `work`
/// with the host's time and whether expiry (every second) and retention (every
/// minute) are due; `work` commits what is pending and does those. It logs what
/// was expired or purged, and an error once per outage rather than once per tick.
public final class AutoCommitter: Sendable {
    private let worker: PeriodicWorker

    /// Starts the thread.
    /// - Throws: ``BackendError`` when the system refuses a new thread.
    public init(
        host: BackendHost, settings: BackgroundSettings,
        work: @escaping @Sendable (_ now: Int64, _ expire: Bool, _ retain: Bool) throws -> MaintenanceReport
    ) throws(BackendError) {
        // The thread's state is its own, not `self`'s: a committer released while a
        // tick runs is never reached by that tick.
        let schedule = Schedule()
        worker = try PeriodicWorker(intervalNs: settings.autoCommitIntervalNs) {
            schedule.tick(host: host, work: work)
        }
    }

    /// Stops and joins the thread. Harmless when already stopped.
    public func stop() {
        worker.stop()
    }

    /// A committer released without ``stop()`` still joins its thread before it goes.
    deinit {
        worker.stop()
    }
}

/// When expiry and retention last ran, and the last error logged; touched by the
/// worker thread only.
private final class Schedule: @unchecked Sendable {
    private var lastExpiryNs: Int64 = 0
    private var lastRetentionNs: Int64 = 0
    private var lastError = ""

    func tick(host: BackendHost, work: (_ now: Int64, _ expire: Bool, _ retain: Bool) throws -> MaintenanceReport) {
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
