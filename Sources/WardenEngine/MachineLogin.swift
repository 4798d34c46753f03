import Logging
import Synchronization
import WardenAllowlist
import WardenBasics
import WardenConfig
import WardenModel
import WardenStore

/// A machine's login (`POST /v1/watchers/login`) as the daemon takes it from an untrusted
/// network:
/// 1. a password the machine last logged in with (``MachineRegistry/knowsPassword(name:password:now:)``)
///    goes straight through, so a real agent is never held back by someone else's guesses;
/// 2. otherwise the ``LoginThrottle`` may make the attempt wait (answered 429);
/// 3. otherwise bcrypt checks the password on one thread of its own, never on Swift's
///    cooperative pool, so guesses use at most one core and bouncers keep the rest. When
///    ``maxWaiting`` checks already wait for that thread, the attempt is told to come back;
/// 4. a wrong name or password counts against the address and the name; with
///    ``LoginThrottling/banAfter``, that many failures ban the address in Warden itself
///    (the allowlist still wins), so a bouncer in front of the API host blocks the guesser.
public final class MachineLogin: Sendable {
    /// What became of one attempt.
    public enum Outcome: Sendable, Equatable {
        case accepted
        /// LAPI's 401, with its message.
        case refused(String)
        /// Come back in `retryAfter` seconds: 429.
        case throttled(retryAfter: Int64, message: String)
    }

    /// Checks that may wait for the bcrypt thread at once; past it, an attempt is throttled.
    public static let maxWaiting = 64
    /// The scenario of a ban for failed logins (its reason in `warden ban list`).
    public static let banReason = "warden/machine-login-bruteforce"

    private let registry: MachineRegistry
    private let throttle: LoginThrottle
    private let engine: Engine?
    private let checker = SerialWorker(label: "machine password checks")
    private let waiting = Atomic<Int>(0)
    private let logger: Logger

    /// - Parameters:
    ///   - engine: where a ban for failed logins goes; nil: never ban.
    public init(registry: MachineRegistry, policy: LoginThrottling, engine: Engine?, logger: Logger) {
        self.registry = registry
        self.throttle = LoginThrottle(policy: policy)
        self.engine = engine
        self.logger = logger
    }

    deinit { checker.stop() }

    /// Takes one login attempt from `address` at `now` (ns).
    public func attempt(
        name: String, password: String, scenarios: [String], address: String, userAgent: String, now: Int64
    ) async -> Outcome {
        let outcome = await decide(
            name: name, password: password, scenarios: scenarios, address: address, userAgent: userAgent, now: now)
        engine?.metrics?.machineLogin(outcome)
        return outcome
    }

    /// Takes the login of a client whose verified certificate's CN is `commonName`: the
    /// machine `commonName@address`, registered on its first login. Not throttled: the TLS
    /// handshake already proved the certificate. Returns the machine's name and the outcome.
    public func attempt(
        certificateName commonName: String, scenarios: [String], address: String, userAgent: String, now: Int64
    ) async -> (name: String, outcome: Outcome) {
        let registry = self.registry
        let (name, refusal) = await checker.run {
            registry.login(certificateName: commonName, scenarios: scenarios, address: address, userAgent: userAgent, now: now)
        }
        let outcome: Outcome = refusal.map { .refused($0.message) } ?? .accepted
        if let refusal { logger.info("machine login refused for '\(name)' (client certificate) from \(address): \(refusal)") }
        engine?.metrics?.machineLogin(outcome)
        return (name, outcome)
    }

    private func decide(
        name: String, password: String, scenarios: [String], address: String, userAgent: String, now: Int64
    ) async -> Outcome {
        let registry = self.registry
        if registry.knowsPassword(name: name, password: password, now: now) {
            let refusal = registry.login(
                name: name, password: password, scenarios: scenarios, address: address, userAgent: userAgent, now: now)
            return refusal.map { .refused($0.message) } ?? .accepted
        }
        if case .wait(let seconds, let reason) = throttle.admission(name: name, address: address, now: now) {
            return .throttled(retryAfter: seconds, message: "\(reason); try again in \(seconds)s")
        }
        guard waiting.add(1, ordering: .relaxed).newValue <= Self.maxWaiting else {
            waiting.subtract(1, ordering: .relaxed)
            logger.warning("machine login of '\(name)' from \(address) put off: \(Self.maxWaiting) password checks already wait")
            return .throttled(retryAfter: 1, message: "too many logins at once; try again in 1s")
        }
        let refusal = await checker.run {
            registry.login(name: name, password: password, scenarios: scenarios, address: address, userAgent: userAgent, now: now)
        }
        waiting.subtract(1, ordering: .relaxed)
        guard let refusal else {
            throttle.succeeded(name: name, address: address)
            return .accepted
        }
        if refusal.isGuess {
            let failures = throttle.failed(name: name, address: address, now: now)
            logger.info("machine login refused for '\(name)' from \(address): \(refusal) (\(failures) failure(s) from that address)")
            if throttle.policy.banAfter > 0, failures == throttle.policy.banAfter {
                await ban(address, failures: failures)
            }
        } else {
            logger.info("machine login refused for '\(name)' from \(address): \(refusal)")
        }
        return .refused(refusal.message)
    }

    /// Bans `address` for the policy's duration, unless the allowlist covers it.
    private func ban(_ address: String, failures: Int) async {
        guard let engine, let ip = IPAddress(address) else { return }
        let ban = ManualBan(
            target: .ip(ip), durationNs: throttle.policy.banDurationNs, reason: Self.banReason, origin: "warden")
        do {
            _ = try await engine.ban(ban)
            logger.warning(
                "banned \(address) for \(GoDuration.format(roundingNanoseconds: ban.durationNs)) after \(failures) failed machine logins (api.server.login_throttle.ban_after)")
        } catch let refusal as AllowlistRefusal {
            logger.warning("not banning \(address) after \(failures) failed machine logins: \(refusal)")
        } catch {
            logger.error("cannot ban \(address) after \(failures) failed machine logins: \(error)")
        }
    }
}
