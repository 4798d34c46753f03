import Foundation
import Logging
import Synchronization
import WardenAlerts
import WardenAllowlist
import WardenConfig
import WardenEngine
import WardenModel
import WardenProfiles
import WardenStore
import WardenTesting
import WardenTestSupport
import XCTest

/// Alert intake stores each alert once per backend, however often the batch is resent.
final class AlertIntakeTests: XCTestCase {
    private let clock = ManualClock()
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// An engine over dummy backends `names` (plus one whose calls fail, with `broken`, and
    /// one whose reads take 3 s, with `slow`), the shipped default allowlist (loopback),
    /// keeping a decision book.
    private func engine(
        _ names: [String] = ["one"], broken: Bool = false, slow: Bool = false, metrics: RecordedMetrics? = nil
    ) throws -> Engine {
        var configs = names.map {
            BackendConfigFile(
                name: $0, libraryPath: BuildProducts.library("warden-backend-dummy"), config: ["store": "intake-\(UUID())"],
                file: "\($0).yaml")
        }
        var fixtures: [(name: String, define: String)] = []
        if broken { fixtures.append(("broken", "CALLS_FAIL")) }
        if slow { fixtures.append(("slow", "SLOW_READS")) }
        for (name, define) in fixtures {
            let path = try CCompiler.brokenBackend(define)
            configs.append(BackendConfigFile(name: name, libraryPath: path, config: [:], file: "\(name).yaml"))
        }
        let loaded = try configs.map {
            try BanStore.load($0, injected: ["flush": "true"], logger: logger, clock: clock.closure, allowUnsafeFiles: true)
        }
        let store = BanStore(
            instances: loaded, discarded: [], configs: configs, folder: "test", execution: .workers(observer: nil))
        let allowlist = try LiveAllowlist(
            path: CCompiler.temporaryFolder("allowlist") + "/allowlist", logger: logger, clock: clock.closure)
        return Engine(
            store: store, allowlist: allowlist, clock: clock.closure, followsStore: true, metrics: metrics, logger: logger)
    }

    private var defaultProfile: ProfileDecider { ProfileDecider(profiles: nil, logger: logger) }

    private let body = Array(#"{"capacity":5,"events":[],"events_count":6,"leakspeed":"10s","message":"m","remediation":true,"scenario":"crowdsecurity/ssh-bf","scenario_hash":"","scenario_version":"","simulated":false,"source":{"scope":"Ip","value":"192.0.2.10"},"start_at":"","stop_at":""}"#.utf8)

    private var alert: Alert {
        Alert(capacity: 5, events: [], eventsCount: 6, leakspeed: "10s", message: "m", remediation: true,
              scenario: "crowdsecurity/ssh-bf", scenarioHash: "", scenarioVersion: "", simulated: false,
              source: AlertSource(scope: "Ip", value: "192.0.2.10"), startAt: "", stopAt: "")
    }

    private func banIDs(_ engine: Engine, in backend: String = "one") async throws -> [Int64] {
        try await engine.list(BanQuery(backend: backend)).everyBan.map(\.id)
    }

    /// After a 201 the agent never resends a batch: the same bytes again are new alerts,
    /// as CrowdSec stores them, and so are identical alerts within one batch.
    func testAnAnsweredBatchIsForgotten_TheSameBytesAgainAreNewAlerts() async throws {
        let engine = try engine()
        let intake = AlertIntake(engine: engine, profiles: defaultProfile, logger: logger)
        let first = try await intake.receive([alert], bodies: [body[...]], machine: "agent")
        let again = try await intake.receive([alert, alert], bodies: [body[...], body[...]], machine: "agent")
        XCTAssertEqual(first, [1])
        XCTAssertEqual(again, [2, 3])
        let stored = try await banIDs(engine)
        XCTAssertEqual(stored.count, 3)
        XCTAssertEqual(engine.book?.count, 3, "each answer came once the book held its bans")
        _ = await engine.shutdown()
    }

    /// The bans reach the decision book before a request is answered; when that read is
    /// slow (a contended database), the request stops waiting at `store_timeout` and its
    /// alerts stay known: the agent's resend is answered with the same ids, never stored
    /// again. (Claimed as answered before that read, the alert was forgotten, and a client
    /// that gave up on the late 201 stored it twice: seen on a Galera cluster.)
    func testARequestThatStopsWaitingWhileTheBookIsReadIsAnsweredOnItsResend() async throws {
        let engine = try engine([], slow: true)
        let intake = AlertIntake(engine: engine, profiles: defaultProfile, storeTimeout: .milliseconds(100), logger: logger)
        do {
            let ids = try await intake.receive([alert], bodies: [body[...]], machine: "agent")
            XCTFail("answered \(ids) while the book was still being read")
        } catch {
            XCTAssertTrue(error.message.hasPrefix("alerts not answered within 1 s (api.server.store_timeout)"), error.message)
        }
        var answer: [Int64]?
        for _ in 0..<100 where answer == nil {
            do {
                answer = try await intake.receive([alert], bodies: [body[...]], machine: "agent")
            } catch {
                XCTAssertEqual(error.message, "some of these alerts are being stored by another request; send them again")
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        XCTAssertEqual(answer, [1], "the resend is answered with the first write's id: stored once")
        _ = await engine.shutdown()
    }

    func testAllowlistedDecisionsAreDroppedCountedAndTheRestApplies() async throws {
        let metrics = RecordedMetrics()
        let engine = try engine(metrics: metrics)
        let intake = AlertIntake(engine: engine, profiles: defaultProfile, logger: logger)
        var carrying = alert
        carrying.decisions = [
            AlertDecision(duration: "1h", origin: "cscli", scenario: "s", scope: "Ip", type: "ban", value: "127.0.0.9"),
            AlertDecision(duration: "1h", origin: "cscli", scenario: "s", scope: "Range", type: "ban", value: "0.0.0.0/0"),
            AlertDecision(duration: "1h", origin: "cscli", scenario: "s", scope: "Ip", type: "ban", value: "192.0.2.77"),
        ]
        let body = Array(#"{"decisions":"three"}"#.utf8)
        _ = try await intake.receive([carrying], bodies: [body[...]], machine: "cscli-1")
        let targets = try await engine.list(BanQuery(backend: "one")).bans.map(\.target)
        XCTAssertEqual(targets, ["192.0.2.77"])
        XCTAssertEqual(metrics.allowlistRefusals, 2)
        XCTAssertEqual(metrics.alerts, ["cscli-1": 1])
        _ = await engine.shutdown()
    }

    func testAProfileDecisionOnAnAllowlistedSourceIsDropped() async throws {
        let metrics = RecordedMetrics()
        let engine = try engine(metrics: metrics)
        let intake = AlertIntake(engine: engine, profiles: defaultProfile, logger: logger)
        var local = alert
        local.source = AlertSource(scope: "Ip", value: "::1")
        let body = Array(#"{"source":"::1"}"#.utf8)
        _ = try await intake.receive([local], bodies: [body[...]], machine: "agent")
        let bans = try await engine.list(BanQuery(backend: "one")).bans
        XCTAssertEqual(bans.map(\.target), [], "the default profile's 4h ban of ::1 is dropped")
        XCTAssertEqual(metrics.allowlistRefusals, 1)
        _ = await engine.shutdown()
    }

    func testAPartlyStoredAlertIsRetriedOnlyWhereItIsMissing() async throws {
        let engine = try engine(broken: true)
        let intake = AlertIntake(engine: engine, profiles: defaultProfile, logger: logger)
        for _ in 0..<2 {
            do {
                _ = try await intake.receive([alert], bodies: [body[...]], machine: "agent")
                XCTFail("a failed backend must not give a 201")
            } catch {
                XCTAssertEqual(error.kind, .failed)
                XCTAssertTrue(error.message.hasPrefix("alerts not stored in every backend ("), error.message)
                XCTAssertTrue(error.message.hasSuffix("they are stored where they are missing when sent again"))
            }
        }
        let ids = try await banIDs(engine)
        XCTAssertEqual(ids, [1], "stored once in 'one', not again on the retry")
        _ = await engine.shutdown()
    }

    /// A profile's legacy `outputs` sends its alerts to the backends it names (`store: false`
    /// leaves one out); an alert no such profile matches goes to every backend.
    func testAProfilesOutputsPickTheBackends() async throws {
        let engine = try engine(["one", "two"])
        let file = try CCompiler.temporaryFolder("outputs") + "/profiles.yaml"
        try """
            name: ssh_to_one
            filters:
             - Alert.GetScenario() == "crowdsecurity/ssh-bf"
            decisions:
             - type: ban
               duration: 1h
            outputs:
             - plugin: one
             - plugin: two
               store: false
            on_success: break
            ---
            name: everything_else
            filters:
             - Alert.Remediation == true
            decisions:
             - type: ban
               duration: 2h
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let profiles = try Profiles.load(
            path: file, history: StoreDecisionHistory(store: engine.store, clock: clock.closure, logger: logger),
            now: { [clock] in clock.now / 1_000_000_000 })
        let decider = ProfileDecider(profiles: profiles, logger: logger)
        XCTAssertNil(decider.outputsProblem(loaded: ["one", "two"], served: "one"))
        XCTAssertEqual(
            decider.outputsProblem(loaded: ["one"], served: "one")?.message,
            "profile 'ssh_to_one': outputs names the backend 'two', which is not loaded (loaded: one); "
                + "name the `name:` of a backend file that loads (see 'warden backends list')")
        XCTAssertEqual(decider.backendsStoringEveryAlert(among: ["one", "two"]), ["one"], "ssh_to_one leaves out 'two'")
        XCTAssertEqual(
            decider.outputsProblem(loaded: ["one", "two"], served: "two")?.message,
            "profile 'ssh_to_one': outputs leaves out 'two', the backend bouncers are served from; its decisions "
                + "would be stored and never enforced; add '- plugin: two' to its outputs")
        let intake = AlertIntake(engine: engine, profiles: decider, logger: logger)
        var web = alert
        web.scenario = "crowdsecurity/http-probing"
        web.source = AlertSource(scope: "Ip", value: "192.0.2.20")
        _ = try await intake.receive([alert, web], bodies: [body[...], Array(#"{"web":1}"#.utf8)[...]], machine: "agent")
        let one = try await engine.list(BanQuery(backend: "one")).bans.map(\.target).sorted()
        let two = try await engine.list(BanQuery(backend: "two")).bans.map(\.target)
        XCTAssertEqual(one, ["192.0.2.10", "192.0.2.20"])
        XCTAssertEqual(two, ["192.0.2.20"], "ssh_to_one's alert skips 'two' (store: false)")
        _ = await engine.shutdown()
    }
}
