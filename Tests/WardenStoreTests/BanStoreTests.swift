import Glibc
import Logging
import Synchronization
import WardenConfig
import WardenModel
import WardenTesting
import XCTest

@testable import WardenStore
import WardenTestSupport

/// The one store: with workers, each backend on its own thread and every backend at
/// once; on the caller's thread through the blocking wrapper, the same outcomes; no call
/// taken after shutdown.
final class BanStoreTests: XCTestCase {
    private let clock = ManualClock()

    /// A store of the given (name, library, config) backends, loaded as `warden run` loads them.
    private func store(
        _ backends: [(String, String, [String: String])], execution: BanStore.Execution = .workers(observer: nil)
    ) throws -> BanStore {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let configs = backends.map { BackendConfigFile(name: $0.0, libraryPath: $0.1, config: $0.2, file: "\($0.0).yaml") }
        let loaded = try configs.map {
            try BanStore.load($0, injected: ["flush": "true"], logger: logger, clock: clock.closure, allowUnsafeFiles: true)
        }
        return BanStore(instances: loaded, discarded: [], configs: configs, folder: "test", execution: execution)
    }

    private func failingLibrary() throws -> String {
        let path = try CCompiler.temporaryFolder("failing") + "/libfailing.so"
        try CCompiler.sharedLibrary(
            CCompiler.repositoryRoot + "/Tests/Fixtures/broken_backend.c", output: path, defines: ["CALLS_FAIL"])
        return path
    }

    private func ban(_ index: Int) -> SignalOrder {
        let target = BanTarget.ip(IPAddress(v4: 0xC000_0200 + UInt32(index)))
        return SignalOrder(
            scenario: "test", message: "ban \(target)", source: target.description, eventsCount: 1, startNs: clock.now,
            stopNs: clock.now, createdNs: clock.now,
            bans: [BanOrder(target: target, untilNs: clock.now + 3_600_000_000_000, reason: "test", scenario: "test", action: "ban", origin: "cli")])
    }

    func testWorkerRunsJobsInOrderOnOneThreadOfItsOwn() async throws {
        let worker = SerialWorker(label: "test")
        let caller = pthread_self()
        let seen = Mutex<(order: [Int], threads: Set<UInt>)>(([], []))
        for index in 0..<500 {
            worker.enqueue { seen.withLock { $0.order.append(index); $0.threads.insert(UInt(pthread_self())) } }
        }
        let last = await worker.run { () -> Int in seen.withLock { $0.order.count } }
        XCTAssertEqual(last, 500)
        worker.stop()
        let (order, threads) = seen.withLock { $0 }
        XCTAssertEqual(order, Array(0..<500))
        XCTAssertEqual(threads.count, 1)
        XCTAssertFalse(threads.contains(UInt(caller)))
    }

    func testStopRunsWhatIsQueuedAndLaterJobsInline() {
        let worker = SerialWorker(label: "test")
        let count = Mutex(0)
        for _ in 0..<100 { worker.enqueue { count.withLock { $0 += 1 } } }
        worker.stop()
        XCTAssertEqual(count.withLock { $0 }, 100)
        worker.enqueue { count.withLock { $0 += 1 } }
        XCTAssertEqual(count.withLock { $0 }, 101)
        worker.stop()
    }

    func testConcurrentCallsReachEveryBackendAndReportTheFailedOne() async throws {
        let dummy = BuildProducts.library("warden-backend-dummy")
        let service = try store([
            ("one", dummy, ["store": "service-1-\(UUID())"]), ("two", dummy, ["store": "service-2-\(UUID())"]),
            ("broken", try failingLibrary(), [:]),
        ])
        let signals = (0..<100).map(ban)
        let outcomes = await withTaskGroup(of: BackendOutcomes<Void>.self) { group in
            for signal in signals { group.addTask { try! await service.add(signal) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.count, 100)
        for outcome in outcomes {
            XCTAssertEqual(outcome.succeededNames, ["one", "two"], "load order kept")
            XCTAssertEqual(outcome.failed.map(\.operation), ["insert"])
        }
        let listing = try await service.list(BanQuery(), now: clock.now)
        XCTAssertEqual(listing.bans.count, 100)
        XCTAssertEqual(listing.failed.map(\.backend), ["broken"])
        let deleted = try await service.delete(target: "192.0.2.7")
        XCTAssertEqual(deleted.agreedCount, 1)
        XCTAssertEqual(deleted.succeededNames, ["one", "two"])
        let all = try await service.deleteAll()
        XCTAssertEqual(all.agreedCount, 99)
        let shutdownErrors = await service.shutdown()
        XCTAssertEqual(shutdownErrors.map(\.backend), [])
    }

    func testNoCallIsTakenAfterShutdown() async throws {
        let service = try store([
            ("one", BuildProducts.library("warden-backend-dummy"), ["store": "service-\(UUID())"]),
        ])
        _ = try await service.add(ban(1))
        let first = await service.shutdown(), second = await service.shutdown()
        XCTAssertEqual(first.count, 0)
        XCTAssertEqual(second.count, 0, "idempotent")
        do {
            _ = try await service.add(ban(2))
            XCTFail("a call after shutdown must be refused")
        } catch {
            XCTAssertEqual(
                error.description,
                "the ban store is shut down: warden is stopping and takes no more changes; retry once it is back")
        }
    }

    /// The CLI's way: no thread started, every call on the thread that runs the operation,
    /// and the caller blocked until it is done; the same outcomes as with workers.
    func testTheBlockingWrapperRunsOnTheCallersTerms() throws {
        let store = try store(
            [("one", BuildProducts.library("warden-backend-dummy"), ["store": "blocking-\(UUID())"]),
             ("broken", try failingLibrary(), [:])],
            execution: .callerThread)
        let signal = ban(3)
        let added = try waitFor { try await store.add(signal) }
        XCTAssertEqual(added.succeededNames, ["one"])
        XCTAssertEqual(added.failed.map(\.description).first?.hasPrefix("backend \"broken\": insert failed"), true)
        let now = clock.now
        let listing = try waitFor { try await store.list(BanQuery(), now: now) }
        XCTAssertEqual(listing.bans.map(\.target), ["192.0.2.3"])
        let deleted = try waitFor { try await store.delete(target: "192.0.2.3") }
        XCTAssertEqual(deleted.agreedCount, 1)
        do {
            _ = try waitFor { () async throws(BanStoreError) in try await store.list(BanQuery(backend: "on"), now: now) }
            XCTFail("an unknown backend must be refused")
        } catch {
            XCTAssertEqual(error.description, "no backend named 'on'; did you mean 'one'?")
        }
    }
}
