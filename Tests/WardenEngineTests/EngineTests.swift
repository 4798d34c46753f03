import Foundation
import Logging
import WardenAllowlist
import WardenConfig
import WardenEngine
import WardenModel
import WardenStore
import WardenTesting
import WardenTestSupport
import XCTest

/// The engine's own rules: the allowlist on the write path, and which backend the
/// decision book follows.
final class EngineTests: XCTestCase {
    private let clock = ManualClock()
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// An engine over dummy backends `names`, with the shipped default allowlist (loopback).
    private func engine(_ names: [String], followsStore: Bool = false, followable: [String]? = nil) throws -> Engine {
        let configs = names.map {
            BackendConfigFile(
                name: $0, libraryPath: BuildProducts.library("warden-backend-dummy"), config: ["store": "engine-\(UUID())"],
                file: "\($0).yaml")
        }
        let loaded = try configs.map {
            try BanStore.load($0, injected: ["flush": "true"], logger: logger, clock: clock.closure, allowUnsafeFiles: true)
        }
        let store = BanStore(
            instances: loaded, discarded: [], configs: configs, folder: "test", execution: .workers(observer: nil))
        let allowlist = AllowlistFileSource(AllowlistFile(path: try CCompiler.temporaryFolder("engine") + "/allowlist"))
        return Engine(
            store: store, allowlist: allowlist, clock: clock.closure, followsStore: followsStore, followable: followable,
            logger: logger)
    }

    private func ban(_ address: String) throws -> ManualBan {
        ManualBan(target: try .parseIP(address), durationNs: 3_600_000_000_000, reason: "test")
    }

    func testEveryWriteAsksTheAllowlistAndAnAllowlistedBanWritesNothing() async throws {
        let engine = try engine(["one"])
        do {
            _ = try await engine.ban(try ban("127.0.0.7"))
            XCTFail("loopback is allowlisted by default")
        } catch let refusal as AllowlistRefusal {
            XCTAssertEqual(refusal.entry.description, "127.0.0.0/8 (loopback (IPv4))")
        }
        do {
            _ = try await engine.importBans([try ban("192.0.2.1"), try ban("::1")], file: "rows.csv")
            XCTFail("an import with an allowlisted row writes nothing")
        } catch let refusal as AllowlistRefusal {
            XCTAssertEqual(refusal.target.description, "::1")
        }
        let listed = try await engine.list(BanQuery())
        XCTAssertEqual(listed.bans.count, 0)
        let (outcomes, _) = try await engine.ban(try ban("192.0.2.1"))
        XCTAssertEqual(outcomes.succeededNames, ["one"])
        _ = await engine.shutdown()
    }

    /// With `followable`, the book follows only the backends every alert is stored in,
    /// even when another comes first.
    func testTheBookFollowsOnlyTheFollowableBackends() async throws {
        let engine = try engine(["one", "two"], followsStore: true, followable: ["two"])
        let signal = Signals.manual(try ban("192.0.2.9"), at: clock.now)
        _ = try await engine.store.add(plan: ["one": [signal]])
        await engine.changed()
        XCTAssertEqual(engine.book?.count, 0, "'one' holds the ban, the book follows 'two'")
        _ = try await engine.store.add(plan: ["two": [signal]])
        await engine.changed()
        XCTAssertEqual(engine.book?.count, 1)
        XCTAssertEqual(engine.store.readers.map(\.name), ["one", "two"])
        _ = await engine.shutdown()
    }
}
