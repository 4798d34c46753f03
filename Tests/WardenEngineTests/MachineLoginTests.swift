import Foundation
import Logging
import WardenAllowlist
import WardenConfig
import WardenEngine
import WardenMachines
import WardenModel
import WardenStore
import WardenTesting
import WardenTestSupport
import XCTest

/// Failed machine logins: the back-off, what is never held back, and the optional ban.
final class MachineLoginTests: XCTestCase {
    private let clock = ManualClock()
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    private let second: Int64 = 1_000_000_000

    private func policy(free: Int, maxDelay: Int64 = 8, banAfter: Int = 0) -> LoginThrottling {
        var policy = LoginThrottling()
        policy.freeFailures = free
        policy.maxDelayNs = maxDelay * second
        policy.banAfter = banAfter
        return policy
    }

    func testTheWaitStartsPastTheFreeFailuresAndDoublesUpToTheMaximum() {
        let throttle = LoginThrottle(policy: policy(free: 2, maxDelay: 8))
        var now = clock.now
        for _ in 0..<2 { throttle.failed(name: "agent", address: "192.0.2.1", now: now) }
        XCTAssertEqual(throttle.admission(name: "agent", address: "192.0.2.1", now: now), .proceed)
        var waits: [Int64] = []
        for _ in 0..<6 {
            throttle.failed(name: "agent", address: "192.0.2.1", now: now)
            guard case .wait(let seconds, let reason) = throttle.admission(name: "agent", address: "192.0.2.1", now: now) else {
                return XCTFail("a failure past the free ones must make the next attempt wait")
            }
            XCTAssertEqual(reason, "too many failed logins from 192.0.2.1")
            waits.append(seconds)
            now += seconds * second
            XCTAssertEqual(throttle.admission(name: "agent", address: "192.0.2.1", now: now), .proceed)
        }
        XCTAssertEqual(waits, [1, 2, 4, 8, 8, 8])
        throttle.succeeded(name: "agent", address: "192.0.2.1")
        throttle.failed(name: "agent", address: "192.0.2.1", now: now)
        XCTAssertEqual(throttle.admission(name: "agent", address: "192.0.2.1", now: now), .proceed, "a success clears the count")
    }

    /// Guesses at one name from many addresses hold that name back everywhere except at
    /// the addresses the machine itself logged in from.
    func testANameUnderAttackStillLetsItsOwnAddressIn() {
        let throttle = LoginThrottle(policy: policy(free: 3))
        throttle.succeeded(name: "agent", address: "192.0.2.10")
        for guesser in 1...4 { throttle.failed(name: "agent", address: "198.51.100.\(guesser)", now: clock.now) }
        XCTAssertEqual(
            throttle.admission(name: "agent", address: "198.51.100.77", now: clock.now),
            .wait(seconds: 1, reason: "too many failed logins as 'agent'"))
        XCTAssertEqual(throttle.admission(name: "agent", address: "192.0.2.10", now: clock.now), .proceed)
        XCTAssertEqual(throttle.admission(name: "other", address: "198.51.100.77", now: clock.now), .proceed)
    }

    private func registry() throws -> MachineRegistry {
        let path = try CCompiler.temporaryFolder("machine-login") + "/machines"
        try MachineFile(path: path).add(name: "agent", password: "right-password", validated: true, now: clock.now)
        return try MachineRegistry(path: path, logger: logger)
    }

    private func attempt(
        _ logins: MachineLogin, password: String, from address: String, name: String = "agent"
    ) async -> MachineLogin.Outcome {
        await logins.attempt(
            name: name, password: password, scenarios: [], address: address, userAgent: "crowdsec/v1.4.6", now: clock.now)
    }

    func testGuessesAreRefusedThenThrottledWhileTheRealAgentGetsIn() async throws {
        let logins = MachineLogin(registry: try registry(), policy: policy(free: 2), engine: nil, logger: logger)
        let accepted = await attempt(logins, password: "right-password", from: "192.0.2.10")
        XCTAssertEqual(accepted, .accepted)
        var outcomes: [MachineLogin.Outcome] = []
        for _ in 0..<4 { outcomes.append(await attempt(logins, password: "guess", from: "192.0.2.66")) }
        XCTAssertEqual(outcomes, [
            .refused("incorrect Username or Password"), .refused("incorrect Username or Password"),
            .refused("incorrect Username or Password"),
            .throttled(retryAfter: 1, message: "too many failed logins from 192.0.2.66; try again in 1s"),
        ])
        let unknown = await attempt(logins, password: "guess", from: "192.0.2.66", name: "nobody")
        XCTAssertEqual(
            unknown, .throttled(retryAfter: 1, message: "too many failed logins from 192.0.2.66; try again in 1s"),
            "the address is held back whatever name it tries")
        // The agent's own password, even from the guesser's address (a shared NAT): no bcrypt, no wait.
        let shared = await attempt(logins, password: "right-password", from: "192.0.2.66")
        XCTAssertEqual(shared, .accepted)
        clock.advance(seconds: 1)
        let later = await attempt(logins, password: "guess", from: "192.0.2.67")
        XCTAssertEqual(later, .refused("incorrect Username or Password"))
    }

    /// With `ban_after`, that many failures ban the address in Warden, unless the allowlist covers it.
    func testBanAfterBansTheGuesserButNeverAnAllowlistedAddress() async throws {
        let configs = [BackendConfigFile(
            name: "one", libraryPath: BuildProducts.library("warden-backend-dummy"), config: ["store": "login-\(UUID())"],
            file: "one.yaml")]
        let loaded = try configs.map {
            try BanStore.load($0, injected: ["flush": "true"], logger: logger, clock: clock.closure, allowUnsafeFiles: true)
        }
        let store = BanStore(instances: loaded, discarded: [], configs: configs, folder: "test", execution: .workers(observer: nil))
        let allowlist = AllowlistFileSource(AllowlistFile(path: try CCompiler.temporaryFolder("login-ban") + "/allowlist"))
        let metrics = RecordedMetrics()
        let engine = Engine(
            store: store, allowlist: allowlist, clock: clock.closure, followsStore: true, metrics: metrics, logger: logger)
        let logins = MachineLogin(registry: try registry(), policy: policy(free: 10, banAfter: 3), engine: engine, logger: logger)
        for _ in 0..<3 {
            _ = await attempt(logins, password: "guess", from: "203.0.113.5")
            _ = await attempt(logins, password: "guess", from: "127.0.0.9")
        }
        let bans = try await engine.list(BanQuery())
        XCTAssertEqual(bans.bans.map(\.target), ["203.0.113.5"])
        XCTAssertEqual(bans.bans.map(\.scenario), [MachineLogin.banReason])
        XCTAssertEqual(bans.bans.map(\.origin), ["warden"])
        XCTAssertEqual(bans.bans.map { $0.untilNs - clock.now }, [4 * 3_600 * second])
        XCTAssertEqual(engine.book?.count, 1, "bouncers see the ban at once")
        XCTAssertEqual(metrics.logins.count, 6)
        _ = await engine.shutdown()
    }
}
