import WardenModel
import WardenStore
import XCTest

final class BanTargetTests: XCTestCase {
    func testCanonicalAddresses() throws {
        XCTAssertEqual(try BanTarget.parseIP("192.0.2.7").description, "192.0.2.7")
        XCTAssertEqual(try BanTarget.parseIP("2001:DB8:0:0::7").description, "2001:db8::7")
        XCTAssertEqual(try BanTarget.parseIP("::ffff:192.0.2.7").description, "192.0.2.7")
        XCTAssertEqual(try BanTarget.parseRange("2001:db8::/32").description, "2001:db8::/32")
        XCTAssertEqual(try BanTarget.parseRange("10.0.0.0/8").scopeName, "Range")
    }

    func testInvalidInputMessages() {
        func message(_ body: () throws -> BanTarget) -> String? {
            do { _ = try body(); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(message { try BanTarget.parseIP("10.0.0.300") }, "'10.0.0.300' is not a valid IPv4 or IPv6 address")
        XCTAssertEqual(message { try BanTarget.parseIP("01.2.3.4") }, "'01.2.3.4' is not a valid IPv4 or IPv6 address")
        XCTAssertEqual(
            message { try BanTarget.parseIP("10.0.0.0/8") },
            "'10.0.0.0/8' is a CIDR block, not an address; use 'range' instead of 'ip'")
        XCTAssertEqual(
            message { try BanTarget.parseRange("10.0.0.1") },
            "'10.0.0.1' is an address, not a CIDR block; use 'ip' instead of 'range', or add /prefix")
        XCTAssertEqual(
            message { try BanTarget.parseRange("10.0.0.0/33") },
            "'10.0.0.0/33' is not a valid CIDR block: the prefix length must be 0 to 32")
        XCTAssertEqual(
            message { try BanTarget.parseRange("2001:db8::/129") },
            "'2001:db8::/129' is not a valid CIDR block: the prefix length must be 0 to 128")
        XCTAssertEqual(
            message { try BanTarget.parseRange("10.1.2.3/8") },
            "'10.1.2.3/8' is not a valid CIDR block: host bits are set; did you mean 10.0.0.0/8?")
        XCTAssertEqual(
            message { try BanTarget.parseRange("banana/8") },
            "'banana/8' is not a valid CIDR block; write it like 192.0.2.0/24 or 2001:db8::/32")
    }

    func testContainment() throws {
        let block = try BanTarget.parseRange("192.0.2.0/24")
        XCTAssertTrue(block.contains(IPAddress("192.0.2.255")!))
        XCTAssertFalse(block.contains(IPAddress("192.0.3.0")!))
        XCTAssertFalse(block.contains(IPAddress("::ffff:c000:300")!))
        XCTAssertTrue(try BanTarget.parseRange("0.0.0.0/0").covers(block))
        XCTAssertFalse(try BanTarget.parseRange("::/0").contains(IPAddress("192.0.2.1")!), "IPv4 is not inside ::/0")
        XCTAssertTrue(try BanTarget.parseRange("2001:db8::/32").contains(IPAddress("2001:db8:ffff::1")!))
        XCTAssertEqual(try BanTarget.parseRange("192.0.2.0/24").last.description, "192.0.2.255")
        // An IPv6 block ending in the IPv4-mapped space stays IPv6 at both ends.
        let low = try BanTarget.parseRange("::/80")
        XCTAssertFalse(low.last.isIPv4)
        XCTAssertTrue(low.covers(low))
        XCTAssertTrue(low.covers(try BanTarget.parseRange("::1:0/112")))
        XCTAssertTrue(try BanTarget.parseRange("::/0").covers(low))
    }
}
