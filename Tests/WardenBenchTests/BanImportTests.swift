import Logging
import WardenConfig
import WardenModel
import WardenStore
import WardenTesting
import XCTest

@testable import WardenBench

/// `warden-bench import`'s loader: the targets file as targets.sh writes it, its
/// errors, and the bans it leaves in a backend.
final class BanImportTests: XCTestCase {
    func testAddressesAndBlocksOneALineBlankLinesSkipped() throws {
        let targets = try BanImport.targets(in: "11.0.0.1\n\n60.0.0.0/24\n 2001:db8::/32 \n", file: "t.txt")
        XCTAssertEqual(targets, [
            .ip(IPAddress("11.0.0.1")!),
            .range(network: IPAddress("60.0.0.0")!, prefixLength: 24),
            .range(network: IPAddress("2001:db8::")!, prefixLength: 32),
        ])
    }

    func testABadLineIsNamedByNumber() {
        XCTAssertThrowsError(try BanImport.targets(in: "11.0.0.1\n11.0.0.256\n", file: "t.txt")) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot import t.txt: line 2: '11.0.0.256' is not a valid IPv4 or IPv6 address; fix or remove that line")
        }
    }

    func testDurationMustBeAGoDurationOfASecondOrMore() throws {
        XCTAssertEqual(try BanImport.duration("24h"), 86_400_000_000_000)
        for bad in ["24", "500ms"] {
            XCTAssertThrowsError(try BanImport.duration(bad)) { error in
                XCTAssertEqual(
                    "\(error)", "cannot import: '\(bad)' is not a duration of 1s or more; give one such as 24h or 90m")
            }
        }
    }

    /// Every target becomes one live ban as `cscli decisions import` makes it, even when
    /// the count is not a multiple of the batch (the last, partial batch is flushed too).
    func testEveryTargetIsBannedAlikeAcrossBatches() throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let config = BackendConfigFile(
            name: "dummy", libraryPath: BuildProducts.library("warden-backend-dummy"),
            config: ["store": "ban-import-\(UInt64.random(in: 0...UInt64.max))"], file: "dummy.yaml")
        let backend = try BanStore.load(
            config, injected: ["flush": "false"], logger: logger, clock: { 0 }, allowUnsafeFiles: true)
        let now: Int64 = 1_800_000_000_000_000_000
        let targets = try BanImport.targets(in: "11.0.0.1\n11.0.0.2\n11.0.0.3\n60.0.0.0/24\n60.0.1.0/24\n", file: "t")
        try BanImport(targets: targets, durationNs: 3_600_000_000_000).load(into: backend, now: now, batch: 2)
        let bans = try backend.read(at: now).sorted { $0.target < $1.target }
        try backend.shutdown()

        XCTAssertEqual(bans.map(\.target), ["11.0.0.1", "11.0.0.2", "11.0.0.3", "60.0.0.0/24", "60.0.1.0/24"])
        XCTAssertEqual(bans.map(\.scope), ["Ip", "Ip", "Ip", "Range", "Range"])
        for ban in bans {
            XCTAssertEqual(ban.untilNs, now + 3_600_000_000_000)
            XCTAssertEqual(ban.reason, "bench")
            XCTAssertEqual(ban.scenario, "bench")
            XCTAssertEqual(ban.origin, "cscli-import")
            XCTAssertEqual(ban.action, "ban")
        }
    }
}
