import Logging
import WardenAPI
import WardenBackendHost
import WardenConfig
@testable import WardenDaemon
import WardenMetricNames
import WardenMetrics
import WardenModel
import WardenStore
import WardenTesting
import XCTest

/// The daemon's ``StoreSync`` against real backends: the book follows another
/// instance's writes through the change feed when the backend has one, and through
/// full reads when it has not or when the feed's cursor went stale.
final class StoreSyncTests: XCTestCase {
    private let clock = ManualClock()
    private let recorder = LogRecorder()

    /// What the daemon has (its own instance, a service, a book, a sync), plus a
    /// second instance on the same storage that plays another process.
    private struct Setup {
        let daemon: LoadedBackend
        let other: LoadedBackend
        let book: DecisionBook
        let sync: StoreSync
        let metrics: DaemonMetrics
    }

    private func setup(_ library: String, config: [String: String]) throws -> Setup {
        let file = BackendConfigFile(name: "feed", libraryPath: library, config: config, file: "<test>")
        func instance() throws -> LoadedBackend {
            try BanStore.load(
                file, injected: ["flush": "true"], logger: recorder.logger(), clock: clock.closure, allowUnsafeFiles: true)
        }
        let daemon = try instance()
        let metrics = DaemonMetrics()
        let service = BanService(
            store: BanStore(backends: [daemon], discarded: [], configs: [file], folder: "<test>"), metrics: metrics)
        let book = DecisionBook()
        return Setup(
            daemon: daemon, other: try instance(), book: book,
            sync: StoreSync(
                service: service, book: book, metrics: metrics, interval: .seconds(1), clock: clock.closure,
                logger: recorder.logger()),
            metrics: metrics)
    }

    private func ban(_ target: String, seconds: Int64 = 3600, reason: String = "test") throws -> SignalOrder {
        ManualBan(target: try BanTarget.parseIP(target), durationNs: seconds * 1_000_000_000, reason: reason)
            .signal(at: clock.now)
    }

    /// What the dummy logged of its reads since `index` of the recorder.
    private func reads(since index: Int) -> [String] {
        recorder.records.dropFirst(index).map(\.message).filter { $0.hasPrefix("read_at") || $0.hasPrefix("changes_since") }
    }

    func testFollowsAnotherInstanceThroughTheFeed() async throws {
        let s = try setup(BuildProducts.library("warden-backend-dummy"), config: ["store": "sync-\(UUID())"])
        try s.other.insert(try ban("192.0.2.1"))
        try s.other.insert(try ban("192.0.2.2"))
        try s.other.flush()
        let answered = await s.sync.syncOnce()
        XCTAssertTrue(answered)
        XCTAssertEqual(s.book.count, 2)
        let mark = recorder.records.count
        _ = try s.other.delete(target: "192.0.2.1")
        try s.other.insert(try ban("192.0.2.3"))
        try s.other.flush()
        await s.sync.syncOnce()
        XCTAssertEqual(s.book.count, 2)
        let body = String(decoding: s.book.liveBody(filter: .init(), now: clock.now), as: UTF8.self)
        XCTAssertTrue(body.contains("192.0.2.3") && !body.contains("192.0.2.1"), body)
        let calls = reads(since: mark)
        XCTAssertEqual(calls.count, 1, "one read of the feed, no full read: \(calls)")
        XCTAssertTrue(calls.first?.hasPrefix("changes_since 3:") == true, "a delta from the cursor after the snapshot: \(calls)")
    }

    func testAStaleCursorMeansASnapshot() async throws {
        let s = try setup(
            BuildProducts.library("warden-backend-dummy"), config: ["store": "stale-\(UUID())", "max_records_age": "1h"])
        await s.sync.syncOnce()
        try s.other.insert(try ban("192.0.2.1", seconds: 36_000))
        try s.other.flush()
        clock.advance(seconds: 2 * 3600)
        try s.other.insert(try ban("192.0.2.2"))
        _ = try s.other.runMaintenance(now: clock.now)  // forgets that insert, made after the daemon's cursor
        let mark = recorder.records.count
        await s.sync.syncOnce()
        XCTAssertEqual(s.book.count, 2)
        let messages = recorder.records.dropFirst(mark).map(\.message)
        XCTAssertTrue(messages.contains {
            $0.hasPrefix("backend \"feed\": changes_since failed (WARDEN_E_STALE_CURSOR): ")
                && $0.hasSuffix("; reading every decision again")
        }, "\(messages)")
        XCTAssertEqual(reads(since: mark).last.map { $0.hasPrefix("changes_since 0:") }, true)
    }

    func testABackendWithoutAFeedIsReadInFull() async throws {
        let s = try setup(try CCompiler.cppExample.get(), config: ["store": "full-\(UUID())"])
        XCTAssertFalse(s.daemon.offersChanges, "this test needs a backend without warden.changes/1")
        try s.other.insert(try ban("192.0.2.1"))
        try s.other.insert(try ban("192.0.2.2"))
        await s.sync.syncOnce()
        XCTAssertEqual(s.book.count, 2)
        _ = try s.other.delete(target: "192.0.2.2")
        await s.sync.syncOnce()
        XCTAssertEqual(s.book.count, 1)
    }

    func testCountsWhatChangedAfterTheFirstRefreshPerOriginAndBackend() async throws {
        let s = try setup(BuildProducts.library("warden-backend-dummy"), config: ["store": "count-\(UUID())"])
        try s.other.insert(try ban("192.0.2.1"))
        try s.other.flush()
        await s.sync.syncOnce()
        try s.other.insert(try ban("192.0.2.2"))
        try s.other.insert(try ban("192.0.2.3"))
        _ = try s.other.delete(target: "192.0.2.1")
        try s.other.flush()
        await s.sync.syncOnce()
        let samples = try PrometheusText.parse(String(decoding: s.metrics.exposition(), as: UTF8.self))
        func value(_ name: String) -> Double? {
            samples.first { $0.name == name && $0[label: "origin"] == "cscli" && $0[label: "backend"] == "feed" }?.value
        }
        XCTAssertEqual(value(WardenMetricNames.bansCreated), 2, "the ban read at the first refresh was there before")
        XCTAssertEqual(value(WardenMetricNames.bansDeleted), 1)
        let changes = samples.first {
            $0.name == WardenMetricNames.backendCallDuration + "_count" && $0[label: "operation"] == "changes"
        }
        XCTAssertEqual(changes?.value, 2, "each refresh is one timed call into the backend")
    }
}
