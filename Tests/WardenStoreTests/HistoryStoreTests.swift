import Logging
import WardenBackendHost
import WardenConfig
import WardenModel
import WardenTesting
import XCTest

@testable import WardenStore
import WardenTestSupport

/// The store's side of `warden.history/1`: answers merged across the backends that
/// offer it, the precise error for one that does not, and deletes that reach every
/// backend (by id where the extension is, by target where it is not).
final class HistoryStoreTests: XCTestCase {
    private let fixture = HistoryFixture()
    private var clock: ManualClock { fixture.clock }
    private var hour: Int64 { fixture.hour }
    private func store(_ backends: [(String, String, [String: String])]) throws -> BanStore { try fixture.store(backends) }
    private func mixedStore() throws -> BanStore { try fixture.mixedStore() }
    private func signal(_ targets: [String], scenario: String = "crowdsecurity/ssh-bf") throws -> SignalOrder {
        try fixture.signal(targets, scenario: scenario)
    }

    func testABackendWithoutTheExtensionIsNamedPrecisely() throws {
        let store = try mixedStore()
        _ = try store.blocking.add(try signal(["192.0.2.1"]))
        let answer = try store.blocking.targetHistory(of: try .parseIP("192.0.2.1"), now: clock.now)
        XCTAssertEqual(answer.history, TargetHistory(banCount: 1, activeCount: 1, activeUntilNs: clock.now + hour))
        XCTAssertEqual(answer.failed.map(\.description), [
            "backend \"cpp\" does not support warden.history/1: history needs it, to count a target's bans or to list "
                + "and delete signals; use a backend that offers it (dummy, sqlite, mysql) or upgrade this one "
                + "(see 'warden backends list')",
        ])
        XCTAssertTrue(answer.failed[0].isHistoryUnsupported)
    }

    func testNoBackendWithTheExtensionIsAnError() throws {
        let store = try store([("cpp", try CCompiler.cppExample.get(), ["store": UUID().uuidString])])
        XCTAssertThrowsError(try store.blocking.signals(SignalQuery(), now: clock.now)) { error in
            XCTAssertEqual("\(error)", "backend \"cpp\" does not support warden.history/1: history needs it, to count "
                + "a target's bans or to list and delete signals; use a backend that offers it (dummy, sqlite, mysql) "
                + "or upgrade this one (see 'warden backends list')")
        }
    }

    func testSignalsOfSeveralBackendsAreListedOnce() throws {
        let id = UUID().uuidString
        let store = try store([
            ("first", BuildProducts.library("warden-backend-dummy"), ["store": "a" + id]),
            ("second", BuildProducts.library("warden-backend-dummy"), ["store": "b" + id]),
        ])
        _ = try store.instances[1].insert(try signal(["192.0.2.9"]))  // an id the first backend will not use
        clock.advance(seconds: 1)
        _ = try store.blocking.add(try signal(["192.0.2.1"]))
        let listing = try store.blocking.signals(SignalQuery(), now: clock.now)
        XCTAssertEqual(listing.signals.map { "\($0.backend) \($0.source)" }, ["first 192.0.2.1", "second 192.0.2.9"])
        XCTAssertEqual(try store.blocking.targetHistory(of: try .parseIP("192.0.2.1"), now: clock.now).history.banCount, 1,
                       "replicas count once: the largest figure of any backend")
    }

    func testDeletingAnAddressAlsoEndsTheRangesThatContainItInEveryBackend() throws {
        let store = try mixedStore()
        _ = try store.blocking.add(try signal(["192.0.2.7"]))
        _ = try store.blocking.add(try signal(["192.0.2.0/24"]))
        _ = try store.blocking.add(try signal(["198.51.100.7"]))
        clock.advance(seconds: 5)
        let ended = try store.blocking.deleteBans(matching: SignalQuery(containing: try .parseIP("192.0.2.7")), now: clock.now)
        XCTAssertEqual(ended.succeeded.map(\.value), [2, 2], "the address and the /24 end in both backends")
        XCTAssertEqual(try store.blocking.list(BanQuery(), now: clock.now).bans.map(\.target), ["198.51.100.7"])
        let listed = try store.blocking.signals(SignalQuery(), now: clock.now).signals
        XCTAssertEqual(listed.count, 3, "deleting bans keeps their signals listed")
    }

    func testDeletingASignalEndsItsBansInEveryBackend() throws {
        let store = try mixedStore()
        _ = try store.blocking.add(try signal(["192.0.2.7", "192.0.2.8"], scenario: "crowdsecurity/http-probing"))
        _ = try store.blocking.add(try signal(["198.51.100.7"]))
        clock.advance(seconds: 5)
        let deleted = try store.blocking.deleteSignals(matching: SignalQuery(scenario: "crowdsecurity/http-probing"), now: clock.now)
        XCTAssertEqual(deleted.succeeded.map(\.value), [1, 1])
        for backend in store.instances {
            XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["198.51.100.7"], backend.name)
        }
        XCTAssertEqual(try store.blocking.signals(SignalQuery(), now: clock.now).signals.map(\.source), ["198.51.100.7"])
    }

    func testDeletingABanByIDUsesThePrimarysIDs() throws {
        let store = try mixedStore()
        _ = try store.blocking.add(try signal(["192.0.2.7", "192.0.2.8"]))
        let ban = try store.blocking.signals(SignalQuery(), now: clock.now).signals[0].bans[1]
        clock.advance(seconds: 5)
        let ended = try store.blocking.deleteBans(matching: SignalQuery(banID: ban.id), now: clock.now)
        XCTAssertEqual(ended.agreedCount, 1)
        for backend in store.instances {
            XCTAssertEqual(try backend.read(at: clock.now).map(\.target), ["192.0.2.7"], backend.name)
        }
    }
}

/// Stores of real backends on a manual clock, and signals to put in them.
struct HistoryFixture {
    let clock = ManualClock()
    let hour: Int64 = 3_600_000_000_000

    /// A store of the given (name, library, config) backends, loaded as `warden run` loads them.
    func store(
        _ backends: [(String, String, [String: String])], execution: BanStore.Execution = .callerThread
    ) throws -> BanStore {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let configs = backends.map { BackendConfigFile(name: $0.0, libraryPath: $0.1, config: $0.2, file: "\($0.0).yaml") }
        let loaded = try configs.map {
            try BanStore.load($0, injected: ["flush": "false"], logger: logger, clock: clock.closure, allowUnsafeFiles: true)
        }
        return BanStore(instances: loaded, discarded: [], configs: configs, folder: "test", execution: execution)
    }

    /// dummy (with history) first, then the C++ example (without), on fresh stores.
    func mixedStore(execution: BanStore.Execution = .callerThread) throws -> BanStore {
        let id = UUID().uuidString
        return try store([
            ("memory", BuildProducts.library("warden-backend-dummy"), ["store": id]),
            ("cpp", try CCompiler.cppExample.get(), ["store": id]),
        ], execution: execution)
    }

    /// A signal created now, one ban an hour long per target.
    func signal(_ targets: [String], scenario: String = "crowdsecurity/ssh-bf") throws -> SignalOrder {
        let bans = try targets.map { text in
            BanOrder(target: text.contains("/") ? try .parseRange(text) : try .parseIP(text), untilNs: clock.now + hour,
                     reason: scenario, scenario: scenario, action: "ban", origin: "crowdsec")
        }
        return SignalOrder(scenario: scenario, message: "m", source: targets[0], eventsCount: 1, startNs: clock.now,
                           stopNs: clock.now, createdNs: clock.now, bans: bans)
    }
}

/// The same with a worker thread per backend, as the daemon runs it. Not under valgrind
/// (Tests/support/memcheck.sh): an async test loads backends on a thread of Swift's pool,
/// which outlives the test.
final class HistoryWorkersTests: XCTestCase {
    private let fixture = HistoryFixture()
    private var clock: ManualClock { fixture.clock }
    private var hour: Int64 { fixture.hour }
    private func signal(_ targets: [String]) throws -> SignalOrder { try fixture.signal(targets) }

    func testWorkersGiveTheSameAnswers() async throws {
        let service = try fixture.mixedStore(execution: .workers(observer: nil))
        _ = try await service.add(try signal(["192.0.2.7"]))
        _ = try await service.add(try signal(["192.0.2.0/24"]))
        let address = try BanTarget.parseIP("192.0.2.7")
        let history = try await service.targetHistory(of: address, now: clock.now)
        XCTAssertEqual(history.history, TargetHistory(banCount: 2, activeCount: 2, activeUntilNs: clock.now + hour))
        XCTAssertEqual(history.failed.map(\.backend), ["cpp"])
        let listed = try await service.signals(SignalQuery(containing: address, limit: 1), now: clock.now)
        XCTAssertEqual(listed.signals.map(\.source), ["192.0.2.0/24"])
        XCTAssertTrue(listed.truncated, "two signals matched, the limit let one through")
        clock.advance(seconds: 5)
        let ended = try await service.deleteBans(matching: SignalQuery(containing: address), now: clock.now)
        XCTAssertEqual(ended.succeeded.map(\.value), [2, 2])
        let deleted = try await service.deleteSignals(matching: SignalQuery(target: address), now: clock.now)
        XCTAssertEqual(deleted.succeeded.map(\.value), [1, 0], "the cpp example had no live ban of it left to end")
        let left = try await service.signals(SignalQuery(), now: clock.now)
        XCTAssertEqual(left.signals.map(\.source), ["192.0.2.0/24"])
        _ = await service.shutdown()
    }
}

/// The store's calls through ``waitFor(_:)``, as the CLI makes them, for tests that cannot await.
extension BanStore {
    var blocking: BlockingCalls { BlockingCalls(store: self) }
}

struct BlockingCalls {
    let store: BanStore

    func add(_ signal: SignalOrder) throws -> BackendOutcomes<Void> { try waitFor { try await store.add(signal) } }
    func list(_ query: BanQuery, now: Int64) throws -> BanListing { try waitFor { try await store.list(query, now: now) } }
    func delete(target: String) throws -> BackendOutcomes<Int> { try waitFor { try await store.delete(target: target) } }
    func targetHistory(of target: BanTarget, sinceNs: Int64? = nil, now: Int64) throws -> TargetHistoryAnswer {
        try waitFor { try await store.targetHistory(of: target, sinceNs: sinceNs, now: now) }
    }
    func signals(_ query: SignalQuery, now: Int64) throws -> SignalListing {
        try waitFor { try await store.signals(query, now: now) }
    }
    func deleteBans(matching query: SignalQuery, now: Int64) throws -> BackendOutcomes<Int> {
        try waitFor { try await store.deleteBans(matching: query, now: now) }
    }
    func deleteSignals(matching query: SignalQuery, now: Int64) throws -> BackendOutcomes<Int> {
        try waitFor { try await store.deleteSignals(matching: query, now: now) }
    }
}
