import Crypto
import Logging
import Synchronization
import WardenAlerts
import WardenAllowlist
import WardenConfig
import WardenModel
import WardenStore

/// Stores pushed alerts exactly once, however often a failed batch is sent again.
///
/// The agent resends its whole batch every second after any answer but a 2xx, and
/// adds newly overflowed alerts to it. So each alert is known by a content key (SHA-256
/// of the machine and the alert's bytes as sent, and which of the identical alerts of
/// its batch it is), and for each key this remembers its id, its signal, and the
/// backends that already hold it. An alert goes to every backend, or to those its
/// profile's `outputs` name. A retry stores an alert only in the backends that missed it,
/// and answers with the same ids; a batch is answered 201 only once every alert of it is
/// in each of its backends. A batch answered 201 is forgotten: the same bytes
/// sent again afterwards are new alerts, as CrowdSec stores them (`cscli decisions add`,
/// `delete`, `add` of one address within a second sends one body twice, and the second
/// ban must not be lost). Keys of a batch that failed are kept an hour (the longest an
/// agent keeps a batch is its own lifetime, but it resends only while the answer is not 201).
///
/// An alert's id is its signal's id in the first backend that keeps history (where
/// `GET /v1/alerts/:id` reads), when that backend tells ids (`insert_signal`); an alert
/// that leads to no ban is not stored and answers 0. Without such a backend, alerts are
/// counted from 1 per daemon run.
///
/// Once an alert is in each of its backends, it is handed to the notifications its profiles
/// named, once, however often it is resent.
///
/// A request waits at most `storeTimeout` for its backends (a hung one must not hold the
/// agent): then it is answered with an error while the write goes on. Its alerts stay
/// claimed until the write ends, and a request that stopped waiting never counts as
/// answered, so the agent's resend is answered from what the write stored (same ids),
/// never stored twice.
public final class AlertIntake: Sendable {
    /// Hands a stored alert (its id, machine and applied decisions set) to the named
    /// notifications. Called on the request's task: it must queue, never wait.
    public typealias Notifier = @Sendable (_ alert: Alert, _ notifications: [String]) -> Void

    /// A new alert's notifications, until it is stored everywhere and they are handed over.
    private struct Notice {
        var alert: Alert
        var notifications: [String]
    }

    private struct Entry {
        var id: Int64
        /// Dropped once each of its backends holds it (an import's alert carries 100k bans).
        var signal: SignalOrder?
        /// Handed to the notifier (and dropped) once each of its backends holds the alert.
        var notice: Notice?
        /// The backends it goes to: every one, or its profile's `outputs`.
        var backends: [String]
        var storedIn: Set<String>
        var inFlight: Bool
    }

    private struct State {
        var entries: [[UInt8]: Entry] = [:]
        /// Stored keys, oldest first, with when they were stored: what ``forgetOld`` drops.
        var stored: [(key: [UInt8], atNs: Int64)] = []
        var storedHead = 0
        var nextID: Int64 = 1
        /// Refusals already logged (machine and message), so a resent batch is logged once.
        var logged: Set<String> = []
    }

    /// How long a stored alert's key is remembered.
    static let memoryNs: Int64 = 3_600_000_000_000
    /// At most this many keys of stored alerts are kept.
    static let memoryCount = 200_000

    private let engine: Engine
    private let profiles: ProfileDecider
    /// Where profile expressions run: their counting helpers wait for backends, which
    /// must never hold a thread of Swift's pool.
    private let profileThread = SerialWorker(label: "profiles")
    private let simulation: SimulationConfig
    private let notify: Notifier?
    private let storeTimeout: Duration?
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - engine: where alerts are stored, with its rules: a decision the allowlist
    ///     covers is dropped (logged once, counted), the rest of its alert applies; new
    ///     bans reach the engine's decision book before the client hears back.
    ///   - profiles: what decides the bans of alerts that carry none.
    ///   - simulation: which scenarios are only simulated: their alerts are stored, never enforced.
    ///   - notify: given each new alert its profiles name notifications for, once stored.
    ///   - storeTimeout: how long a request waits for the backends (nil: as long as they
    ///     take); past it, the request fails and the write goes on (see ``receive(_:bodies:machine:)``).
    public init(
        engine: Engine, profiles: ProfileDecider, simulation: SimulationConfig = SimulationConfig(),
        notify: Notifier? = nil, storeTimeout: Duration? = nil, logger: Logger
    ) {
        self.engine = engine
        self.storeTimeout = storeTimeout
        self.profiles = profiles
        self.simulation = simulation
        self.notify = notify
        self.logger = logger
    }

    deinit {
        profileThread.stop()
    }

    /// Stores `alerts` pushed by `machine` (`bodies[i]`: alert i's bytes as sent) and
    /// returns their ids, in order.
    /// - Throws: ``EngineError``: refused with LAPI's message for an alert LAPI refuses
    ///   (logged once per machine and message); failed, naming the backends that failed.
    public func receive(_ alerts: [Alert], bodies: [ArraySlice<UInt8>], machine: String) async throws(EngineError) -> [Int64] {
        if let failure = AlertValidation.failure(of: alerts) { throw refuse(failure, machine: machine) }
        let now = engine.clock()
        // The n-th of identical alerts in one batch is an alert of its own: n is in its key.
        var occurrences: [[UInt8]: UInt32] = [:]
        let keys = bodies.map { body -> [UInt8] in
            var hasher = SHA256()
            hasher.update(data: Array(machine.utf8) + [0])
            hasher.update(data: Array(body))
            var key = Array(hasher.finalize())
            let occurrence = occurrences[key, default: 0]
            occurrences[key] = occurrence + 1
            withUnsafeBytes(of: occurrence.littleEndian) { key += $0 }
            return key
        }
        let known = state.withLock { state in keys.map { state.entries[$0] != nil } }
        var fresh: [Int: (signal: SignalOrder, notice: Notice?, backends: [String])] = [:]
        for (index, alert) in alerts.enumerated() where !known[index] {
            fresh[index] = try await signal(for: alert, machine: machine, now: now)
        }
        if !fresh.isEmpty { engine.metrics?.alertsReceived(machine: machine, count: fresh.count) }
        // Where GET /v1/alerts/:id reads.
        let idBackend = engine.store.readers.first(where: \.offersHistory)?.name
        // Claim every alert of the batch, or none when another request is storing one of them.
        let claimed = state.withLock { state -> [(key: [UInt8], entry: Entry)]? in
            forgetOld(&state, now: now)
            if keys.contains(where: { state.entries[$0]?.inFlight == true }) { return nil }
            var claimed: [(key: [UInt8], entry: Entry)] = []
            for (index, key) in keys.enumerated() {
                if state.entries[key] == nil, let new = fresh[index] {
                    state.entries[key] = Entry(
                        id: state.nextID, signal: new.signal, notice: new.notice, backends: new.backends, storedIn: [],
                        inFlight: false)
                    state.nextID += 1
                }
                // A key dropped between the two looks is stored again: a duplicate beats a loss.
                guard var entry = state.entries[key] else { continue }
                entry.inFlight = true
                state.entries[key] = entry
                claimed.append((key, entry))
            }
            return claimed
        }
        let busy = EngineError(.failed, "some of these alerts are being stored by another request; send them again")
        // Claimed by another request: nothing of this one was marked, and theirs stays theirs.
        guard let claimed else { throw busy }
        guard claimed.count == keys.count else {
            release(keys)
            throw busy
        }
        var plan: [String: [SignalOrder]] = [:]
        var planned: [String: [[UInt8]]] = [:]
        var seen = Set<[UInt8]>()
        for (key, entry) in claimed where seen.insert(key).inserted {
            guard let signal = entry.signal else { continue }
            for backend in entry.backends where !entry.storedIn.contains(backend) {
                plan[backend, default: []].append(signal)
                planned[backend, default: []].append(key)
            }
        }
        // Stored on a task of its own: a request waits at most `storeTimeout` for it, and a
        // write that outlives the request still records what it stored.
        let delivery = Delivery()
        let writing = Set(plan.keys)
        let storing = Task { @Sendable [plan, planned] () async -> Result<[Int64], EngineError> in
            await self.store(plan, planned: planned, keys: keys, idBackend: idBackend, machine: machine, now: now, delivery)
        }
        guard let storeTimeout else { return try await storing.value.get() }
        // Awaited outside any condition: Swift 6.3.1's release optimizer crashes on an await in one.
        let early = await firstOf(storeTimeout, { await storing.value })
        if let early { return try early.get() }
        guard delivery.abandon() else { return try await storing.value.get() }  // it finished just now
        let slow = engine.store.runningCalls.filter { writing.contains($0.backend) }.map(\.backend)
        logger.error(
            "alerts from machine '\(machine)' not answered within \(BanStore.seconds(storeTimeout)) s: backend(s) \(slow.joined(separator: ", ")) still writing")
        throw EngineError(
            .failed,
            "alerts not answered within \(BanStore.seconds(storeTimeout)) s (api.server.store_timeout): backend(s) "
                + "\(slow.isEmpty ? "still writing" : slow.map { "\"\($0)\"" }.joined(separator: ", ") + " still writing"); "
                + "the write goes on, and sending them again confirms what it stored without storing it twice")
    }

    /// Whether the request of one batch still waits for its answer. Decided once, under
    /// the intake's lock on the store's side: a request that stopped waiting never hears
    /// the outcome, so its keys must be kept for its resend even when every write succeeded.
    private final class Delivery: Sendable {
        private enum Phase { case waiting, answering, abandoned }
        private let phase = Mutex(Phase.waiting)

        /// The store's side, once its outcome is recorded: true when the request will hear it.
        func claimAnswer() -> Bool {
            phase.withLock { phase in
                guard phase == .waiting else { return false }
                phase = .answering
                return true
            }
        }

        /// The request's side, at its deadline: true when it may stop waiting (the outcome will not reach it).
        func abandon() -> Bool {
            phase.withLock { phase in
                guard phase == .waiting else { return false }
                phase = .abandoned
                return true
            }
        }
    }

    /// Stores `plan` (the claimed alerts of one batch where they are missing) and records
    /// what each backend stored; the batch's ids, or why not every alert is everywhere.
    private func store(
        _ plan: [String: [SignalOrder]], planned: [String: [[UInt8]]], keys: [[UInt8]], idBackend: String?,
        machine: String, now: Int64, _ delivery: Delivery
    ) async -> Result<[Int64], EngineError> {
        let outcomes: [SignalBatchOutcome]
        do {
            outcomes = plan.isEmpty ? [] : try await engine.store.add(plan: plan, idsFrom: idBackend)
        } catch {
            release(keys)
            return .failure(EngineError(.failed, "\(error)"))
        }
        // The new bans reach the decision book before the answer is claimed: a request that
        // stops waiting during this read (a slow or contended backend) must find its alerts
        // kept for the resend, not forgotten as answered.
        if !plan.isEmpty { await engine.changed() }
        let failures = outcomes.compactMap(\.failure)
        let plannedKeys = Set(planned.values.joined())
        let (ids, notices) = state.withLock { state -> ([Int64], [Notice]) in
            var notices: [Notice] = []
            for outcome in outcomes {
                let keys = planned[outcome.backend, default: []].prefix(outcome.stored)
                for key in keys {
                    state.entries[key]?.storedIn.insert(outcome.backend)
                }
                for (key, id) in zip(keys, outcome.ids ?? []) {
                    state.entries[key]?.id = id
                }
            }
            // Answered 201 only when the request still waits: else it will be sent again,
            // and must find its alerts stored.
            let answered = failures.isEmpty && delivery.claimAnswer()
            for key in Set(keys) {
                guard var entry = state.entries[key] else { continue }
                entry.inFlight = false
                let wasStored = entry.backends.allSatisfy(entry.storedIn.contains)
                if wasStored {
                    entry.signal = nil
                    if var notice = entry.notice {
                        notice.alert.id = entry.id
                        notices.append(notice)
                        entry.notice = nil
                    }
                }
                state.entries[key] = entry
                if wasStored, plannedKeys.contains(key), !answered {
                    state.stored.append((key, now))
                }
            }
            let ids = keys.map { state.entries[$0]?.id ?? 0 }
            // Answered 201: the batch will not come again, and the same bytes later are new alerts.
            if answered {
                for key in keys { state.entries[key] = nil }
            }
            return (ids, notices)
        }
        if let notify {
            for notice in notices { notify(notice.alert, notice.notifications) }
        }
        guard failures.isEmpty else {
            for failure in failures { logger.error("alerts from machine '\(machine)' not stored: \(failure)") }
            return .failure(EngineError(
                .failed,
                "alerts not stored in every backend (\(failures.map(\.description).joined(separator: "; "))); "
                    + "they are stored where they are missing when sent again"))
        }
        return .success(ids)
    }

    /// The signal of a new alert (its own decisions, or the profiles'), the notifications
    /// its profiles name, with the alert as they will see it, and the backends it goes to.
    private func signal(
        for alert: Alert, machine: String, now: Int64
    ) async throws(EngineError) -> (signal: SignalOrder, notice: Notice?, backends: [String]) {
        var alert = alert
        alert.machineID = machine
        // Before the profiles, which see `Alert.Simulated` as they would behind CrowdSec's agent.
        if simulation.isSimulated(scenario: alert.scenario ?? "") { alert.simulated = true }
        let verdict: ProfileVerdict
        do {
            if profiles.mayWaitForBackends {
                verdict = try await profileThread.run { [profiles, alert] in try profiles.verdict(for: alert) }
            } else {
                verdict = try profiles.verdict(for: alert)
            }
        } catch {
            throw refuse("\(error)", machine: machine)
        }
        let given = alert.decisions.flatMap { $0.isEmpty ? nil : $0 } ?? verdict.decisions
        do throws(AlertSignal.Refusal) {
            let (signal, skipped, kept) = try AlertSignal.make(alert: alert, decisions: given, now: now) { decision, target in
                allowed(decision, target: target, of: alert, machine: machine, at: now)
            }
            for decision in skipped {
                logOnce(
                    machine: machine,
                    "decision \(decision.type ?? "") on \(decision.scope ?? "") '\(decision.value ?? "")' of alert '\(alert.scenario ?? "")' "
                        + "from machine '\(machine)' not enforced: Warden bans IPs and ranges only; the alert is stored without it")
            }
            let backends = verdict.outputs ?? engine.store.backends.map(\.name)
            guard !verdict.notifications.isEmpty, notify != nil else { return (signal, nil, backends) }
            alert.decisions = kept
            return (signal, Notice(alert: alert, notifications: verdict.notifications), backends)
        } catch {
            throw refuse(error.message, machine: machine)
        }
    }

    /// Whether the decision on `target` may apply: not when an allowlist entry shares an
    /// address with it at `now` (when the alert arrived); such a decision is counted and logged
    /// once with its alert and the entry.
    private func allowed(
        _ decision: AlertDecision, target: BanTarget, of alert: Alert, machine: String, at now: Int64
    ) -> Bool {
        let refusal: AllowlistRefusal?
        do {
            refusal = try engine.refusal(for: target, at: now)
        } catch {
            // As the CLI refuses a ban when the allowlist cannot be read (the daemon's live copy
            // never fails: it keeps the last good file), and says so.
            logOnce(machine: machine, "decision on '\(decision.value ?? "")' from machine '\(machine)' dropped: \(error)")
            return false
        }
        guard let entry = refusal?.entry else { return true }
        engine.metrics?.allowlistRefused()
        logOnce(
            machine: machine,
            "decision \(decision.type ?? "") on '\(decision.value ?? "")' of alert '\(alert.scenario ?? "")' from machine "
                + "'\(machine)' dropped: the allowlist entry \(entry) covers it; the rest of the alert applies")
        return false
    }

    /// LAPI's 500 for an alert it cannot store, logged once per machine and message (the
    /// agent resends the batch every second, forever).
    private func refuse(_ message: String, machine: String) -> EngineError {
        logOnce(
            machine: machine,
            "alerts from machine '\(machine)' refused: \(message); the agent resends them every second until it stops, "
                + "and they can never be stored")
        return EngineError(.refused, message)
    }

    private func logOnce(machine: String, _ line: String) {
        let first = state.withLock { state in
            if state.logged.count > 10_000 { state.logged.removeAll() }
            return state.logged.insert(line).inserted
        }
        if first { logger.warning("\(line)") }
    }

    private func release(_ keys: [[UInt8]]) {
        state.withLock { state in
            for key in keys { state.entries[key]?.inFlight = false }
        }
    }

    /// Drops the keys of alerts stored more than an hour ago, or beyond the count.
    private func forgetOld(_ state: inout State, now: Int64) {
        while state.storedHead < state.stored.count {
            let (key, at) = state.stored[state.storedHead]
            guard now - at > Self.memoryNs || state.stored.count - state.storedHead > Self.memoryCount else { break }
            state.entries[key] = nil
            state.storedHead += 1
        }
        if state.storedHead > 4096 && state.storedHead * 2 > state.stored.count {
            state.stored.removeFirst(state.storedHead)
            state.storedHead = 0
        }
    }
}
