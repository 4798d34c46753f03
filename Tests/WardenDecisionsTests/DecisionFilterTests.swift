import WardenDecisions
import WardenModel
import XCTest

/// Query parameters as CrowdSec 1.4.6 reads them, and the exact errors for malformed ones.
final class DecisionFilterTests: XCTestCase {
    let now: Int64 = 1_000 * second

    func testParsesEveryFilter() throws {
        let filter = try DecisionFilter(liveQuery: [
            ("ip", "192.0.2.7"), ("contains", "false"), ("scopes", "ip,RANGE,Country,as,username"),
            ("value", "192.0.2.7"), ("type", "ban"), ("origins", "cscli,crowdsec"),
            ("scenarios_containing", "ssh,http"), ("scenarios_not_containing", "probe"), ("community_pull", "false"),
        ])
        XCTAssertEqual(
            filter,
            DecisionFilter(
                address: AddressQuery(block: .range(network: address("192.0.2.7"), prefixLength: 32), contains: false),
                scopes: ["Ip", "Range", "Country", "AS", "username"], value: "192.0.2.7", type: "ban",
                origins: ["cscli", "crowdsec"], scenariosContaining: ["ssh", "http"], scenariosNotContaining: ["probe"]))
    }

    func testAnEmptyQueryFiltersNothing() throws {
        XCTAssertEqual(try DecisionFilter(liveQuery: []), DecisionFilter())
        XCTAssertEqual(try DecisionFilter(streamQuery: []), DecisionFilter(scopes: ["Ip", "Range"]))
        XCTAssertEqual(try DecisionFilter(streamQuery: [("scopes", "Ip")]).scopes, ["Ip"])
    }

    func testRangeHostBitsAreMaskedAndAnAddressIsItsOwnBlock() throws {
        XCTAssertEqual(
            try DecisionFilter(liveQuery: [("range", "192.0.2.7/24")]).address,
            AddressQuery(block: .range(network: address("192.0.2.0"), prefixLength: 24)))
        XCTAssertEqual(
            try DecisionFilter(liveQuery: [("ip", "2001:db8::/32")]).address,
            AddressQuery(block: .range(network: address("2001:db8::"), prefixLength: 32)))
        XCTAssertEqual(
            try DecisionFilter(liveQuery: [("range", "2001:db8::1")]).address,
            AddressQuery(block: .range(network: address("2001:db8::1"), prefixLength: 128)))
    }

    func testTheFirstOfARepeatedParameterCounts() throws {
        XCTAssertEqual(try DecisionFilter(liveQuery: [("type", "ban"), ("type", "captcha")]).type, "ban")
    }

    func testContainsSpelledAsGoParsesBooleans() throws {
        for (text, value) in [("1", true), ("t", true), ("TRUE", true), ("True", true), ("0", false), ("F", false), ("false", false)] {
            XCTAssertEqual(try DecisionFilter(liveQuery: [("ip", "192.0.2.1"), ("contains", text)]).address?.contains, value, text)
        }
    }

    func testMalformedValuesAreRefusedPrecisely() {
        let cases: [([(String, String)], String)] = [
            ([("ip", "192.0.2")],
             "ip '192.0.2' is not an address or a CIDR block; write it like 192.0.2.1, 192.0.2.0/24, 2001:db8::1 or 2001:db8::/32"),
            ([("range", "banana/24")],
             "range 'banana/24' is not an address or a CIDR block; write it like 192.0.2.1, 192.0.2.0/24, 2001:db8::1 or 2001:db8::/32"),
            ([("range", "192.0.2.0/33")], "range '192.0.2.0/33' is not a valid CIDR block: the prefix length must be 0 to 32"),
            ([("range", "2001:db8::/")], "range '2001:db8::/' is not a valid CIDR block: the prefix length must be 0 to 128"),
            ([("range", "192.0.2.0/+8")], "range '192.0.2.0/+8' is not a valid CIDR block: the prefix length must be 0 to 32"),
            ([("contains", "yes")], "contains 'yes' is not a boolean; use true or false"),
            ([("ip", "192.0.2.1"), ("range", "192.0.2.0/24")], "ip and range given together: a query selects by one of them; drop one"),
        ]
        for (items, message) in cases {
            XCTAssertThrowsError(try DecisionFilter(liveQuery: items), "\(items)") { error in
                XCTAssertEqual("\(error)", message)
                XCTAssertEqual((error as? InputError)?.category, .badInput)
            }
        }
    }

    func testMatchesAsLAPIFilters() throws {
        let ssh = decision(1, "192.0.2.1", until: now, origin: "crowdsec", scenario: "crowdsecurity/SSH-bf")
        let range = decision(2, "192.0.2.0/24", until: now, origin: "cscli", type: "captcha", scenario: "manual")
        func passing(_ items: [(String, String)]) throws -> [Int64] {
            let filter = try DecisionFilter(liveQuery: items)
            return [ssh, range].filter(filter.matches).map(\.id)
        }
        XCTAssertEqual(try passing([("scopes", "range")]), [2])
        XCTAssertEqual(try passing([("scopes", "IP,username")]), [1])
        XCTAssertEqual(try passing([("scopes", "")]), [])
        XCTAssertEqual(try passing([("origins", "crowdsec")]), [1])
        XCTAssertEqual(try passing([("origins", "CrowdSec")]), [])
        XCTAssertEqual(try passing([("origins", "")]), [])
        XCTAssertEqual(try passing([("type", "captcha")]), [2])
        XCTAssertEqual(try passing([("value", "192.0.2.0/24")]), [2])
        XCTAssertEqual(try passing([("scenarios_containing", "ssh")]), [1])
        XCTAssertEqual(try passing([("scenarios_containing", "nothing,MANUAL")]), [2])
        XCTAssertEqual(try passing([("scenarios_containing", "")]), [1, 2])
        XCTAssertEqual(try passing([("scenarios_not_containing", "ssh")]), [2])
        XCTAssertEqual(try passing([("scenarios_not_containing", "")]), [])
        XCTAssertEqual(try passing([("ip", "192.0.2.1")]), [1, 2])
        XCTAssertEqual(try passing([("ip", "192.0.2.1"), ("contains", "false")]), [1])
        XCTAssertEqual(try passing([("range", "192.0.0.0/16"), ("contains", "false")]), [1, 2])
    }

    func testStartupIsExactlyTrue() {
        XCTAssertTrue(DecisionFilter.isStartup([("startup", "true")]))
        XCTAssertFalse(DecisionFilter.isStartup([("startup", "True")]))
        XCTAssertFalse(DecisionFilter.isStartup([("startup", "1")]))
        XCTAssertFalse(DecisionFilter.isStartup([]))
    }

    /// `decisions(matching:now:)`: the GET answer, through the address, the value, or every decision.
    func testTheLiveAnswer() throws {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + second, origin: "crowdsec"), now: now)
        index.upsert(decision(2, "192.0.2.0/24", until: now + second), now: now)
        index.upsert(decision(3, "2001:db8::/32", until: now + 2 * second), now: now)
        func answer(_ items: [(String, String)], at time: Int64? = nil) throws -> [Int64] {
            ids(index.decisions(matching: try DecisionFilter(liveQuery: items), now: time ?? now))
        }
        XCTAssertEqual(try answer([]), [1, 2, 3])
        XCTAssertEqual(try answer([], at: now + second), [3])
        XCTAssertEqual(try answer([("ip", "192.0.2.1")]), [1, 2])
        XCTAssertEqual(try answer([("ip", "192.0.2.1"), ("origins", "cscli")]), [2])
        XCTAssertEqual(try answer([("range", "192.0.2.0/24"), ("contains", "false")]), [1, 2])
        XCTAssertEqual(try answer([("ip", "2001:db8::5")]), [3])
        XCTAssertEqual(try answer([("value", "192.0.2.0/24")]), [2])
        XCTAssertEqual(try answer([("value", "192.0.2.000/24")]), [])
        XCTAssertEqual(try answer([("value", "not an address")]), [])
        XCTAssertEqual(try answer([("ip", "198.51.100.1")]), [])
    }
}
