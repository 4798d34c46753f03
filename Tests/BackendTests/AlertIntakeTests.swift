import Logging
import Synchronization
import WardenAlerts
import WardenAllowlist
import WardenConfig
import WardenMetricNames
import WardenMetrics
import WardenModel
@testable import WardenStore
import WardenTesting
import XCTest

@testable import WardenAPI

/// Alert intake stores each alert once per backend, however often the batch is resent.
final class AlertIntakeTests: XCTestCase {
    private let clock = ManualClock()
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private func service(broken: Bool) throws -> BanService {
        var configs = [BackendConfigFile(
            name: "one", libraryPath: BuildProducts.library("warden-backend-dummy"), config: ["store": "intake-\(UUID())"],
            file: "one.yaml")]
        if broken {
            let path = try CCompiler.temporaryFolder("failing") + "/libfailing.so"
            try CCompiler.sharedLibrary(
                CCompiler.repositoryRoot + "/Tests/Fixtures/broken_backend.c", output: path, defines: ["CALLS_FAIL"])
            configs.append(BackendConfigFile(name: "broken", libraryPath: path, config: [:], file: "broken.yaml"))
        }
        let loaded = try configs.map {
            try BanStore.load($0, injected: ["flush": "true"], logger: logger, clock: clock.closure, allowUnsafeFiles: true)
        }
        return BanService(store: BanStore(backends: loaded, discarded: [], configs: configs, folder: "test"))
    }

    private let body = Array(#"{"capacity":5,"events":[],"events_count":6,"leakspeed":"10s","message":"m","remediation":true,"scenario":"crowdsecurity/ssh-bf","scenario_hash":"","scenario_version":"","simulated":false,"source":{"scope":"Ip","value":"192.0.2.10"},"start_at":"","stop_at":""}"#.utf8)

    private var alert: Alert {
        Alert(capacity: 5, events: [], eventsCount: 6, leakspeed: "10s", message: "m", remediation: true,
              scenario: "crowdsecurity/ssh-bf", scenarioHash: "", scenarioVersion: "", simulated: false,
              source: AlertSource(scope: "Ip", value: "192.0.2.10"), startAt: "", stopAt: "")
    }

    /// The shipped default (loopback): the allowlist file is absent.
    private func defaultAllowlist() throws -> LiveAllowlist {
        try LiveAllowlist(path: CCompiler.temporaryFolder("allowlist") + "/allowlist", logger: logger, clock: { 0 })
    }

    private func banIDs(_ service: BanService) async throws -> [Int64] {
        try await service.list(BanQuery(backend: "one"), now: clock.now).everyBan.map(\.id)
    }

    /// After a 201 the agent never resends a batch: the same bytes again are new alerts,
    /// as CrowdSec stores them, and so are identical alerts within one batch.
    func testAnAnsweredBatchIsForgotten_TheSameBytesAgainAreNewAlerts() async throws {
        let service = try service(broken: false)
        let refreshes = Counter()
        let intake = AlertIntake(
            service: service, profiles: DefaultProfile(), allowlist: try defaultAllowlist(), afterStore: { refreshes.add() }, clock: clock.closure, logger: logger)
        let first = try await intake.receive([alert], bodies: [body[...]], machine: "agent")
        let again = try await intake.receive([alert, alert], bodies: [body[...], body[...]], machine: "agent")
        XCTAssertEqual(first, [1])
        XCTAssertEqual(again, [2, 3])
        let stored = try await banIDs(service)
        XCTAssertEqual(stored.count, 3)
        XCTAssertEqual(refreshes.value, 2)
        _ = await service.shutdown()
    }

    func testAllowlistedDecisionsAreDroppedCountedAndTheRestApplies() async throws {
        let service = try service(broken: false)
        let metrics = DaemonMetrics()
        let intake = AlertIntake(
            service: service, profiles: DefaultProfile(), allowlist: try defaultAllowlist(), metrics: metrics,
            afterStore: {}, clock: clock.closure, logger: logger)
        var carrying = alert
        carrying.decisions = [
            AlertDecision(duration: "1h", origin: "cscli", scenario: "s", scope: "Ip", type: "ban", value: "127.0.0.9"),
            AlertDecision(duration: "1h", origin: "cscli", scenario: "s", scope: "Range", type: "ban", value: "0.0.0.0/0"),
            AlertDecision(duration: "1h", origin: "cscli", scenario: "s", scope: "Ip", type: "ban", value: "192.0.2.77"),
        ]
        let body = Array(#"{"decisions":"three"}"#.utf8)
        _ = try await intake.receive([carrying], bodies: [body[...]], machine: "cscli-1")
        let targets = try await service.list(BanQuery(backend: "one"), now: clock.now).bans.map(\.target)
        XCTAssertEqual(targets, ["192.0.2.77"])
        let samples = try PrometheusText.parse(String(decoding: metrics.exposition(), as: UTF8.self))
        XCTAssertEqual(samples.first { $0.name == WardenMetricNames.allowlistRefusals }?.value, 2)
        XCTAssertEqual(
            samples.first { $0.name == WardenMetricNames.alertsReceived && $0.labels.first?.1 == "cscli-1" }?.value, 1)
        _ = await service.shutdown()
    }

    func testAProfileDecisionOnAnAllowlistedSourceIsDropped() async throws {
        let service = try service(broken: false)
        let metrics = DaemonMetrics()
        let intake = AlertIntake(
            service: service, profiles: DefaultProfile(), allowlist: try defaultAllowlist(), metrics: metrics,
            afterStore: {}, clock: clock.closure, logger: logger)
        var local = alert
        local.source = AlertSource(scope: "Ip", value: "::1")
        let body = Array(#"{"source":"::1"}"#.utf8)
        _ = try await intake.receive([local], bodies: [body[...]], machine: "agent")
        let bans = try await service.list(BanQuery(backend: "one"), now: clock.now).bans
        XCTAssertEqual(bans.map(\.target), [], "the default profile's 4h ban of ::1 is dropped")
        let samples = try PrometheusText.parse(String(decoding: metrics.exposition(), as: UTF8.self))
        XCTAssertEqual(samples.first { $0.name == WardenMetricNames.allowlistRefusals }?.value, 1)
        _ = await service.shutdown()
    }

    func testAPartlyStoredAlertIsRetriedOnlyWhereItIsMissing() async throws {
        let service = try service(broken: true)
        let intake = AlertIntake(service: service, profiles: DefaultProfile(), allowlist: try defaultAllowlist(), afterStore: {}, clock: clock.closure, logger: logger)
        for _ in 0..<2 {
            do {
                _ = try await intake.receive([alert], bodies: [body[...]], machine: "agent")
                XCTFail("a failed backend must not give a 201")
            } catch {
                XCTAssertEqual(error.status, .internalServerError)
                XCTAssertTrue(error.message?.hasPrefix("alerts not stored in every backend (") ?? false, error.message ?? "")
                XCTAssertTrue(error.message?.hasSuffix("they are stored where they are missing when sent again") ?? false)
            }
        }
        let ids = try await banIDs(service)
        XCTAssertEqual(ids, [1], "stored once in 'one', not again on the retry")
        _ = await service.shutdown()
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
