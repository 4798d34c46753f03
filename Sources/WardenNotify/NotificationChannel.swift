import Logging
import Synchronization

/// One notification's queue and its delivery loop. `enqueue` only takes a lock to append
/// (it never waits for a plugin, so alert intake cannot slow down); the loop batches as
/// CrowdSec documents `group_wait`/`group_threshold`, renders, and hands each batch to
/// the plugin with a deadline per attempt and exponential backoff between attempts.
final class NotificationChannel: Sendable {
    let config: NotificationConfig
    private let supervisor: PluginSupervisor
    private let settings: NotificationSettings
    private let observer: NotificationObserver?
    /// Where shutdown keeps what it has no time to send, when the daemon has one.
    private let spool: NotificationSpool?
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var pending: [NotifiedAlert] = []
        /// Alerts of the batch being delivered, still counted as pending.
        var inFlight = 0
        var counts = NotificationCounts()
        var stopping = false
        /// The pause in progress, which `stop()` cuts short.
        var pause: Task<Void, Never>?
        /// Dropped alerts not logged yet, by reason: a burst against a full queue is logged
        /// as one line a second (with every id), not one line per alert.
        var unloggedDrops: [String: [Int64]] = [:]
        var lastDropLog: ContinuousClock.Instant?
        /// Whether a task will log the drops held back (the loop may be stuck in a delivery).
        var dropLogScheduled = false

        /// Everything pending, now in flight.
        mutating func takeBatch() -> [NotifiedAlert] {
            defer { pending.removeAll() }
            inFlight = pending.count
            return pending
        }
    }

    init(
        config: NotificationConfig, supervisor: PluginSupervisor, settings: NotificationSettings,
        observer: NotificationObserver?, spool: NotificationSpool? = nil, logger: Logger
    ) {
        self.config = config
        self.observer = observer
        self.spool = spool
        self.supervisor = supervisor
        self.settings = settings
        var logger = logger
        logger[metadataKey: "notification"] = "\(config.name)"
        self.logger = logger
    }

    var counts: NotificationCounts {
        state.withLock { state in
            var counts = state.counts
            counts.pending = state.pending.count + state.inFlight
            return counts
        }
    }

    /// Queues `alert`; false when it was dropped (queue full, or shutting down): counted and
    /// logged with its id (at once, or within a second with the others of a burst).
    /// With a spool, an alert that comes once shutdown began is kept there for the next start.
    @discardableResult
    func enqueue(_ alert: NotifiedAlert) -> Bool {
        let admission = state.withLock { state -> Admission in
            let refusal: String
            if state.stopping {
                if spool != nil { return .toSpool }  // written below, outside the lock
                refusal = "Warden is shutting down"
            } else if state.pending.count >= settings.queueCapacity {
                refusal = "its queue is full (\(settings.queueCapacity) alerts; the plugin is not keeping up)"
            } else {
                state.pending.append(alert)
                return .queued
            }
            state.counts.dropped += 1
            state.unloggedDrops[refusal, default: []].append(alert.id)
            return .dropped(stopping: state.stopping)
        }
        switch admission {
        case .queued:
            return true
        case .toSpool:
            abandon([alert], why: "came while Warden was shutting down", inFlight: false)
        case .dropped(let stopping):
            observer?(config.name, .dropped, 1)
            // Once stopping, no loop is left to log later: at once.
            logDrops(olderThan: stopping ? .zero : .seconds(1))
        }
        return false
    }

    /// What ``enqueue(_:)`` did with an alert.
    private enum Admission {
        case queued
        /// Shutdown began and there is a spool: kept there for the next start.
        case toSpool
        /// Counted as dropped, its id waiting to be logged.
        case dropped(stopping: Bool)
    }

    /// Logs the drops not logged yet, unless a drop was logged less than `interval` ago;
    /// then a task logs them once the interval has passed.
    private func logDrops(olderThan interval: Duration) {
        let now = ContinuousClock.now
        var wait: Duration?
        let drops = state.withLock { state -> [String: [Int64]] in
            guard !state.unloggedDrops.isEmpty else { return [:] }
            if let last = state.lastDropLog, now - last < interval {
                if !state.dropLogScheduled {
                    state.dropLogScheduled = true
                    wait = interval - (now - last)
                }
                return [:]
            }
            state.lastDropLog = now
            defer { state.unloggedDrops.removeAll() }
            return state.unloggedDrops
        }
        if let wait {
            Task {
                try? await Task.sleep(for: wait)
                self.state.withLock { $0.dropLogScheduled = false }
                self.logDrops(olderThan: .zero)
            }
        }
        for (reason, ids) in drops.sorted(by: { $0.key < $1.key }) {
            if ids.count == 1 {
                logger.error("alert \(ids[0]) dropped: \(reason)")
            } else {
                logger.error("\(ids.count) alerts dropped: \(reason); alert ids: \(ids.map(String.init).joined(separator: ","))")
            }
        }
    }

    /// Ends the batching loop: what is pending is then delivered at once, its retries unpaused.
    func stop() {
        state.withLock { state in
            state.stopping = true
            return state.pause
        }?.cancel()
    }

    /// Batches and delivers until ``stop()``, then delivers what is pending.
    /// Cancelled (shutdown out of time), it logs and counts what it could not send.
    func run() async {
        let onlyWait = config.groupWait != nil && config.groupThreshold == nil
        let tick = onlyWait ? config.groupWait! : settings.tick
        var lastFlush = ContinuousClock.now
        while !isStopping {
            await pause(tick)
            logDrops(olderThan: .seconds(1))
            let now = ContinuousClock.now
            let batch = state.withLock { state -> [NotifiedAlert] in
                guard !state.pending.isEmpty, isDue(count: state.pending.count, since: lastFlush, now: now) else { return [] }
                return state.takeBatch()
            }
            if batch.isEmpty { continue }
            lastFlush = now
            await deliver(batch)
        }
        defer { logDrops(olderThan: .zero) }
        while !Task.isCancelled {
            let batch = state.withLock { $0.takeBatch() }
            if batch.isEmpty { return }
            await deliver(batch)
        }
        abandon(state.withLock { $0.takeBatch() }, why: "not sent before the shutdown deadline")
    }

    /// CrowdSec's flush rule: with neither setting, every tick; with `group_wait` alone, every
    /// `group_wait`; with `group_threshold`, once that many are pending, or (with both) once
    /// `group_wait` has passed since the last flush.
    private func isDue(count: Int, since lastFlush: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Bool {
        switch (config.groupWait, config.groupThreshold) {
        case (nil, nil), (_?, nil): true
        case (nil, let threshold?): count >= threshold
        case (let wait?, let threshold?): count >= threshold || now - lastFlush >= wait
        }
    }

    private func deliver(_ batch: [NotifiedAlert]) async {
        let text: String
        do {
            text = try config.renderer.render(batch)
        } catch {
            settle(batch, as: .failed)
            logger.error("cannot render \(batch.count) alerts with 'format': \(error); alert ids: \(ids(batch))")
            return
        }
        let size = text.utf8.count
        if size > PluginWire.maximumText {
            let why = "the rendered text is \(size) bytes, over the \(PluginWire.maximumText) a plugin accepts"
            guard batch.count > 1 else {
                settle(batch, as: .failed)
                logger.error("cannot send 1 alert: \(why); shorten 'format'; alert id: \(ids(batch))")
                return
            }
            // A burst must not be lost for its size: the batch goes in parts that each fit
            // (a part still too long is split again).
            await deliverInParts(batch, why: why, parts: size / PluginWire.maximumText + 1)
            return
        }
        var lastError = ""
        var attempt = 1
        var crashes = 0
        while true {
            do {
                try await supervisor.notify(text: text, name: config.name, timeout: config.timeout)
                settle(batch, as: .sent)
                logger.debug("sent \(batch.count) alerts", metadata: ["attempt": "\(attempt)"])
                return
            } catch {
                if Task.isCancelled {
                    abandon(batch, why: "not sent before the shutdown deadline")
                    return
                }
                lastError = callErrorText(error)
                // The plugin died under the call and is being restarted (the supervisor
                // waits out its backoff): the batch waits for it instead of losing an attempt.
                if error is PluginDied, crashes < settings.crashRetries {
                    crashes += 1
                    logger.warning("\(lastError) while sending \(batch.count) alerts; sending them again once it is back")
                    continue
                }
                guard attempt < config.attempts else { break }
                let delay = settings.retryBackoff * (1 << min(attempt - 1, 16))
                logger.warning("attempt \(attempt) of \(config.attempts) failed: \(lastError); next in \(delay)")
                await pause(delay)
                attempt += 1
            }
        }
        settle(batch, as: .failed)
        logger.error(
            "gave up on \(batch.count) alerts after \(config.attempts) attempts: \(lastError); alert ids: \(ids(batch))")
    }

    /// Delivers `batch` as `parts` batches of about equal counts, one after the other.
    private func deliverInParts(_ batch: [NotifiedAlert], why: String, parts: Int) async {
        let partSize = (batch.count + parts - 1) / parts
        logger.warning(
            "\(why) for \(batch.count) alerts; sending them in batches of \(partSize) (lower group_threshold or group_wait to avoid this)")
        for start in stride(from: 0, to: batch.count, by: partSize) {
            let part = Array(batch[start..<min(start + partSize, batch.count)])
            if Task.isCancelled {
                abandon(Array(batch[start...]), why: "not sent before the shutdown deadline")
                return
            }
            await deliver(part)
        }
    }

    /// Alerts that shutdown left no time to send: kept in the spool for the next start
    /// (neither sent nor dropped), or, without one or when it cannot be written, counted
    /// as dropped; logged either way with their ids.
    private func abandon(_ batch: [NotifiedAlert], why: String, inFlight: Bool = true) {
        guard !batch.isEmpty else { return }
        if let spool {
            if let failure = spool.keep(batch, for: config.name) {
                state.withLock { state in
                    state.counts.dropped += batch.count
                    if inFlight { state.inFlight = max(0, state.inFlight - batch.count) }
                }
                observer?(config.name, .dropped, batch.count)
                logger.error("\(batch.count) alerts \(why), and not kept: \(failure); alert ids: \(ids(batch))")
            } else {
                if inFlight { state.withLock { $0.inFlight = max(0, $0.inFlight - batch.count) } }
                logger.warning("\(batch.count) alerts \(why); kept in \(spool.path), sent at the next start; alert ids: \(ids(batch))")
            }
            return
        }
        settle(batch, as: .dropped)
        logger.error("\(batch.count) alerts \(why); alert ids: \(ids(batch))")
    }

    /// Counts a batch's outcome and stops counting it as pending, in one step for readers.
    private func settle(_ batch: [NotifiedAlert], as outcome: NotificationOutcome) {
        state.withLock { state in
            switch outcome {
            case .sent: state.counts.sent += batch.count
            case .failed: state.counts.failed += batch.count
            case .dropped: state.counts.dropped += batch.count
            }
            // A batch sent in parts settles part by part: the rest stays pending.
            state.inFlight = max(0, state.inFlight - batch.count)
        }
        observer?(config.name, outcome, batch.count)
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// Sleeps `duration`, or less when ``stop()`` is called or the loop is cancelled meanwhile.
    private func pause(_ duration: Duration) async {
        let sleeper = Task { _ = try? await Task.sleep(for: duration) }
        let stopping = state.withLock { state in
            state.pause = sleeper
            return state.stopping
        }
        if stopping { sleeper.cancel() }
        await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
    }
}

private func ids(_ batch: [NotifiedAlert]) -> String {
    batch.map { String($0.id) }.joined(separator: ",")
}
