import Synchronization
import WardenConfig

/// Failed machine logins counted per address and per machine name, with an exponential
/// back-off: after ``LoginThrottling/freeFailures`` failures, the next attempt must wait
/// 1 s after the last failure, then 2 s, 4 s... up to ``LoginThrottling/maxDelayNs``.
/// A success clears the address's and the name's count.
///
/// A machine name under attack from many addresses is held back too, except from the
/// addresses that machine logged in from before: the real agent keeps its way in while
/// guessers elsewhere wait. Entries are forgotten once the longest wait has passed without
/// a failure, and the table is bounded, so a flood of addresses cannot grow it without end.
public final class LoginThrottle: Sendable {
    /// Whether an attempt may go to the password check.
    public enum Admission: Sendable, Equatable {
        case proceed
        /// Wait `seconds` (rounded up) before trying again; `reason` says whose failures.
        case wait(seconds: Int64, reason: String)
    }

    private struct Failures {
        var count = 0
        var lastNs: Int64 = 0
    }

    private struct State {
        var byAddress: [String: Failures] = [:]
        var byName: [String: Failures] = [:]
        /// The addresses each machine logged in from (a few per machine, bounded).
        var knownAddresses: [String: Set<String>] = [:]
        var failuresSincePrune = 0
    }

    /// The most entries kept per table; past it, stale entries go first, then the oldest.
    static let capacity = 100_000
    private static let knownAddressesPerMachine = 16

    public let policy: LoginThrottling
    private let state = Mutex(State())

    public init(policy: LoginThrottling) {
        self.policy = policy
    }

    /// Whether `name` may try a password from `address` at `now` (ns).
    public func admission(name: String, address: String, now: Int64) -> Admission {
        state.withLock { state in
            if let wait = waitNs(state.byAddress[address], now: now) {
                return .wait(seconds: seconds(wait), reason: "too many failed logins from \(address)")
            }
            if state.knownAddresses[name]?.contains(address) != true, let wait = waitNs(state.byName[name], now: now) {
                return .wait(seconds: seconds(wait), reason: "too many failed logins as '\(name)'")
            }
            return .proceed
        }
    }

    /// Notes a failed login; returns the failures from `address` counted so far.
    @discardableResult
    public func failed(name: String, address: String, now: Int64) -> Int {
        state.withLock { state in
            state.failuresSincePrune += 1
            if state.failuresSincePrune >= 1_024 || state.byAddress.count >= Self.capacity || state.byName.count >= Self.capacity {
                prune(&state, now: now)
            }
            state.byName[name, default: Failures()].count += 1
            state.byName[name]!.lastNs = now
            state.byAddress[address, default: Failures()].count += 1
            state.byAddress[address]!.lastNs = now
            return state.byAddress[address]!.count
        }
    }

    /// Notes a successful login: `address` becomes one of `name`'s own, both counts clear.
    public func succeeded(name: String, address: String) {
        state.withLock { state in
            state.byAddress[address] = nil
            state.byName[name] = nil
            var known = state.knownAddresses[name] ?? []
            if !known.contains(address) {
                if known.count >= Self.knownAddressesPerMachine, let any = known.first { known.remove(any) }
                known.insert(address)
                state.knownAddresses[name] = known
            }
        }
    }

    /// How long after `failures`' last one an attempt must wait (nil: it may go now).
    private func waitNs(_ failures: Failures?, now: Int64) -> Int64? {
        guard let failures, failures.count > policy.freeFailures else { return nil }
        let end = failures.lastNs &+ delayNs(afterFailures: failures.count)
        return now < end ? end - now : nil
    }

    /// 1 s for the first failure past the free ones, doubling, capped at the policy's maximum.
    func delayNs(afterFailures count: Int) -> Int64 {
        let doublings = count - policy.freeFailures - 1
        guard doublings < 40 else { return policy.maxDelayNs }
        return min(policy.maxDelayNs, 1_000_000_000 << Int64(max(0, doublings)))
    }

    /// Drops the entries whose wait and as long again have passed, and at least the
    /// longest wait (so free failures are not handed out again after a short pause);
    /// if a table is still full, its oldest half.
    private func prune(_ state: inout State, now: Int64) {
        state.failuresSincePrune = 0
        func prune(_ table: inout [String: Failures]) {
            table = table.filter { now - $0.value.lastNs < max(policy.maxDelayNs, 2 * delayNs(afterFailures: $0.value.count)) }
            if table.count >= Self.capacity {
                let cutoff = table.values.map(\.lastNs).sorted()[table.count / 2]
                table = table.filter { $0.value.lastNs > cutoff }
            }
        }
        prune(&state.byAddress)
        prune(&state.byName)
    }

    private func seconds(_ ns: Int64) -> Int64 { (ns + 999_999_999) / 1_000_000_000 }
}
