import Foundation
import WardenAllowlist
import WardenModel
import WardenTesting
import XCTest

/// The allowlist: which targets it refuses and which entry it names, its file, and
/// the daemon's live copy.
final class AllowlistTests: XCTestCase {
    private func target(_ text: String) throws -> BanTarget { try AllowlistEntry.parseTarget(text) }

    private func entry(_ text: String, _ comment: String) throws -> AllowlistEntry {
        AllowlistEntry(target: try target(text), comment: comment)
    }

    func testTheDefaultRefusesLoopbackAndEveryBlockThatContainsIt() throws {
        let list = Allowlist(Allowlist.defaultEntries)
        XCTAssertEqual(list.match(try target("127.0.0.1"))?.description, "127.0.0.0/8 (loopback (IPv4))")
        XCTAssertEqual(list.match(try target("127.5.0.0/16"))?.description, "127.0.0.0/8 (loopback (IPv4))")
        XCTAssertEqual(list.match(try target("0.0.0.0/0"))?.description, "127.0.0.0/8 (loopback (IPv4))")
        XCTAssertEqual(list.match(try target("::1"))?.description, "::1 (loopback (IPv6))")
        XCTAssertEqual(list.match(try target("::/0"))?.description, "::1 (loopback (IPv6))")
        XCTAssertNil(list.match(try target("128.0.0.0/1")))
        XCTAssertNil(list.match(try target("126.255.255.255")))
        XCTAssertNil(list.match(try target("::2")))
        XCTAssertNil(list.match(try target("2001:db8::/32")))
    }

    func testAnIPv6BlockOverTheMappedSpaceMeetsIPv4Entries() throws {
        let list = Allowlist([try entry("192.0.2.0/24", "office")])
        XCTAssertEqual(list.match(try target("::/0"))?.comment, "office")
        XCTAssertNil(list.match(try target("2001:db8::/32")))
    }

    /// The binary search against a linear scan, on nested and disjoint entries of both families.
    func testMatchAgreesWithALinearScan() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var entries: [AllowlistEntry] = []
            for index in 0..<Int.random(in: 0...12, using: &generator) {
                let prefix = Int.random(in: 0...32, using: &generator)
                let network = BanTarget.range(network: IPAddress(v4: UInt32.random(in: 0...UInt32.max) & (prefix == 0 ? 0 : ~0 << (32 - prefix))), prefixLength: prefix)
                entries.append(AllowlistEntry(target: index % 3 == 0 ? .ip(IPAddress(v4: .random(in: 0...UInt32.max))) : network, comment: "\(index)"))
            }
            let list = Allowlist(entries)
            for _ in 0..<200 {
                let prefix = Int.random(in: 0...32, using: &generator)
                let bits = UInt32.random(in: 0...UInt32.max) & (prefix == 0 ? 0 : ~0 << (32 - prefix))
                let probe = BanTarget.range(network: IPAddress(v4: bits), prefixLength: prefix)
                let expected = entries.contains { $0.target.first <= probe.last && probe.first <= $0.target.last }
                let found = list.match(probe)
                XCTAssertEqual(found != nil, expected, "\(probe) against \(entries)")
                if let found {
                    XCTAssertTrue(found.target.first <= probe.last && probe.first <= found.target.last, "\(found) vs \(probe)")
                }
            }
        }
    }

    func testRefusalMessagesNameTheEntry() throws {
        let loopback = Allowlist.defaultEntries[0]
        XCTAssertEqual(
            AllowlistRefusal(target: try target("127.0.0.1"), entry: loopback, file: "/etc/warden/allowlist").description,
            "cannot ban 127.0.0.1: it is allowlisted by 127.0.0.0/8 (loopback (IPv4)) in /etc/warden/allowlist; "
                + "if it must really be banned, remove that entry first with 'warden allowlist del 127.0.0.0/8'")
        XCTAssertEqual(
            AllowlistRefusal(target: try target("0.0.0.0/0"), entry: loopback, file: "/etc/warden/allowlist").description,
            "cannot ban 0.0.0.0/0: it contains 127.0.0.0/8 (loopback (IPv4)), allowlisted in /etc/warden/allowlist; "
                + "ban narrower blocks that leave it out, or remove that entry with 'warden allowlist del 127.0.0.0/8'")
    }

    private func temporaryFile(_ text: String?) throws -> String {
        let folder = NSTemporaryDirectory() + "warden-allow-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/allowlist"
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }

    func testAMissingFileMeansTheDefaultAndAnEmptyOneNothing() throws {
        XCTAssertEqual(try AllowlistFile(path: try temporaryFile(nil)).load().entries, Allowlist.defaultEntries)
        XCTAssertEqual(try AllowlistFile(path: try temporaryFile("# nothing\n\n")).load().entries, [])
    }

    func testTheFileKeepsCommentsThroughAddAndDelete() throws {
        let path = try temporaryFile("# mine\r\n10.0.0.0/8   lab network\r\n\n2001:db8::/32\tdocs\n")
        let file = AllowlistFile(path: path)
        XCTAssertEqual(try file.load().entries, [try entry("10.0.0.0/8", "lab network"), try entry("2001:db8::/32", "docs")])
        try file.add(try target("192.0.2.7"), comment: "monitoring")
        try file.delete(try target("10.0.0.0/8"))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "# mine\r\n\n2001:db8::/32\tdocs\n192.0.2.7\tmonitoring\n")
    }

    func testEditsAreRefusedWithTheirReason() throws {
        let path = try temporaryFile("10.0.0.0/8 lab\n")
        let file = AllowlistFile(path: path)
        XCTAssertThrowsError(try file.add(try target("10.0.0.0/8"), comment: "again")) {
            XCTAssertEqual("\($0)", "10.0.0.0/8 is already in the allowlist as 10.0.0.0/8 (lab)")
        }
        XCTAssertThrowsError(try file.delete(try target("10.1.2.3"))) {
            XCTAssertEqual(
                "\($0)",
                "10.1.2.3 is not an entry of the allowlist; it is covered by 10.0.0.0/8 (lab), which 'warden allowlist del 10.0.0.0/8' removes")
        }
        XCTAssertThrowsError(try file.delete(try target("192.0.2.1"))) {
            XCTAssertEqual("\($0)", "192.0.2.1 is not an entry of the allowlist; 'warden allowlist list' shows the entries")
        }
    }

    /// Named lists and expiring entries: what the file says, and each way it can be wrong.
    func testNamedListsExpiryAndTheirErrors() throws {
        let path = try temporaryFile("10.0.0.0/8 lab\n[office] the office\n192.0.2.0/24 expires=2026-01-01T00:00:00Z LAN\n")
        let file = AllowlistFile(path: path)
        let loaded = try file.load()
        XCTAssertEqual(loaded.lists, [Allowlist.List(name: "default"), Allowlist.List(name: "office", description: "the office")])
        let lan = AllowlistEntry(target: try target("192.0.2.0/24"), comment: "LAN", list: "office", expiresNs: 1_767_225_600_000_000_000)
        XCTAssertEqual(loaded.entries.last, lan)
        XCTAssertEqual(lan.reason, "192.0.2.0/24 from office (LAN)")
        XCTAssertNotNil(loaded.active(at: 1_767_225_599_000_000_000).match(try target("192.0.2.7")))
        XCTAssertNil(loaded.active(at: 1_767_225_600_000_000_000).match(try target("192.0.2.7")), "expired at its time")
        XCTAssertEqual(loaded.matches(try target("0.0.0.0/0")).map(\.list), ["default", "office"])
        XCTAssertThrowsError(try file.deleteList("default")) {
            XCTAssertEqual("\($0)", "the default allowlist cannot be deleted; remove its entries with 'warden allowlist del'")
        }
        XCTAssertThrowsError(try file.deleteList("lab")) {
            XCTAssertEqual(
                "\($0)",
                "there is no allowlist 'lab'; create it with 'warden allowlist create lab DESCRIPTION', or use one of: default, office")
        }
        XCTAssertThrowsError(try file.createList("a b", description: "")) {
            XCTAssertEqual("\($0)", "'a b' cannot name an allowlist; use letters, digits, '.', '_' and '-'")
        }
        XCTAssertThrowsError(try file.delete(try target("10.0.0.0/8"), list: "office")) {
            XCTAssertEqual(
                "\($0)",
                "10.0.0.0/8 is not an entry of the allowlist 'office'; it is covered by 10.0.0.0/8 (lab), which 'warden allowlist del 10.0.0.0/8' removes")
        }
        for (text, message) in [
            ("[office\n", "1: '[office' opens a list name with '[' but never closes it"),
            ("[a]\n[a]\n", "2: the allowlist 'a' is named twice"),
            ("[default]\n", "1: the allowlist 'default' is named twice"),
            ("192.0.2.1 expires=tomorrow x\n", "1: 'expires=tomorrow' is not a time; write it like expires=2026-12-31T00:00:00Z"),
        ] {
            let broken = try temporaryFile(text)
            XCTAssertThrowsError(try AllowlistFile(path: broken).load(), text) {
                XCTAssertEqual("\($0)", "\(broken):\(message)")
            }
        }
    }

    /// Found by Fuzz/ (fuzz-allowlist): an expiry after 2262 trapped in Timestamp.parse, taking
    /// down the CLI and the daemon that read the file.
    func testAnExpiryBeyondNanosecondRangeIsAnErrorNotACrash() throws {
        let path = try temporaryFile("192.0.2.1\texpires=9999-12-31T00:00:00Z\tforever\n")
        XCTAssertThrowsError(try AllowlistFile(path: path).load()) {
            XCTAssertEqual(
                "\($0)", "\(path):1: 'expires=9999-12-31T00:00:00Z' is not a time; write it like expires=2026-12-31T00:00:00Z")
        }
    }

    func testAMalformedLineIsNamedWithItsFileAndLine() throws {
        let path = try temporaryFile("127.0.0.1 ok\n10.0.0.1/8 host bits\n")
        XCTAssertThrowsError(try AllowlistFile(path: path).load()) {
            XCTAssertEqual(
                "\($0)",
                "\(path):2: '10.0.0.1/8' is not a valid CIDR block: host bits are set; did you mean 10.0.0.0/8?; "
                    + "each line is an address or a CIDR block, then a comment")
        }
    }

    func testTheLiveCopyFollowsTheFileAndKeepsTheLastGoodOne() throws {
        let path = try temporaryFile("10.0.0.0/8 lab\n")
        let log = LogRecorder()
        let live = try LiveAllowlist(path: path, logger: log.logger(), clock: { 0 })
        XCTAssertNotNil(live.match(try target("10.1.1.1"), at: 0))
        try "192.0.2.0/24 office\n# the lab is gone\n".write(toFile: path, atomically: true, encoding: .utf8)
        live.reloadIfChanged()
        XCTAssertNil(live.match(try target("10.1.1.1"), at: 0))
        XCTAssertNotNil(live.match(try target("192.0.2.9"), at: 0))
        try "nonsense\n".write(toFile: path, atomically: true, encoding: .utf8)
        live.reloadIfChanged()
        XCTAssertNotNil(live.match(try target("192.0.2.9"), at: 0))
        XCTAssertEqual(log.records.map { "\($0.level): \($0.message)" }, [
            "info: allowlist reloaded from \(path): 1 entries; added: 192.0.2.0/24 (office); removed: 10.0.0.0/8 (lab)",
            "error: \(path):1: 'nonsense' is not a valid IPv4 or IPv6 address; each line is an address or a CIDR block, then a comment; keeping the previous allowlist",
        ])
    }
}
