import Foundation
import Logging
import Synchronization
import WardenBackendHost
import WardenConfig
@testable import WardenEngine
import WardenModel
import WardenStore
import WardenTesting
import WardenTestSupport
import XCTest

/// The engine's ``StoreSync`` against real backends: the book follows another
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
        let metrics: RecordedMetrics
        /// The operations the store called, in order.
        let calls: CallLog
    }

    final class CallLog: Sendable {
        let list = Mutex<[String]>([])
    }

    private func setup(_ library: String, config: [String: String]) throws -> Setup {
        let file = BackendConfigFile(name: "feed", libraryPath: library, config: config, file: "<test>")
        func instance() throws -> LoadedBackend {
            try BanStore.load(
                file, injected: ["flush": "true"], logger: recorder.logger(), clock: clock.closure, allowUnsafeFiles: true)
        }
        let daemon = try instance()
        let metrics = RecordedMetrics()
        let calls = CallLog()
        let store = BanStore(
            instances: [daemon], discarded: [], configs: [file], folder: "<test>",
            execution: .workers(observer: { _, operation, _, _ in calls.list.withLock { $0.append(operation) } }))
        let book = DecisionBook()
        return Setup(
            daemon: daemon, other: try instance(), book: book,
            sync: StoreSync(store: store, book: book, metrics: metrics, clock: clock.closure, logger: recorder.logger()),
            metrics: metrics, calls: calls)
    }

    private func ban(_ target: String, seconds: Int64 = 3600, reason: String = "test") throws -> SignalOrder {
        Signals.manual(
            ManualBan(target: try BanTarget.parseIP(target), durationNs: seconds * 1_000_000_000, reason: reason),
            at: clock.now)
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
        XCTAssertEqual(s.metrics.created, ["cscli feed": 2], "the ban read at the first refresh was there before")
        XCTAssertEqual(s.metrics.deleted, ["cscli feed": 1])
        XCTAssertEqual(s.calls.list.withLock { $0 }, ["changes", "changes"], "each refresh is one timed call into the backend")
    }
}
