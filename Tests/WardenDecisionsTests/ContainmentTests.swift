import WardenDecisions
import WardenModel
import XCTest

/// `matching(ip:)` and `matching(range:contains:)` on nested blocks of every
/// prefix length, IPv4 and IPv6, /0 and /32, /128 included.
final class ContainmentTests: XCTestCase {
    let now: Int64 = 1_000 * second

    /// An index holding, around `probe`, the range of every prefix length and the
    /// address itself (id = prefix length; the address gets id 1000).
    private func nestedIndex(around probe: IPAddress) -> DecisionIndex {
        var index = DecisionIndex()
        for prefix in 0...probe.width {
            let network = BanTarget.range(network: probe, prefixLength: prefix).first
            index.upsert(
                Decision(
                    id: Int64(prefix), origin: "cscli", type: "ban",
                    target: .range(network: network, prefixLength: prefix), scenario: "s", untilNs: now + second),
                now: now)
        }
        index.upsert(
            Decision(id: 1000, origin: "cscli", type: "ban", target: .ip(probe), scenario: "s", untilNs: now + second),
            now: now)
        return index
    }

    /// `probe` with its bit `k` (0 = most significant) flipped.
    private func flipping(_ probe: IPAddress, bit k: Int) -> IPAddress {
        let flip = UInt128(1) << UInt128(probe.width - 1 - k)
        return probe.isIPv4 ? IPAddress(v4: UInt32(truncatingIfNeeded: probe.bits ^ flip)) : IPAddress(v6: probe.bits ^ flip)
    }

    private func checkEveryPrefixLength(_ probe: IPAddress) {
        let index = nestedIndex(around: probe)
        let width = probe.width
        XCTAssertEqual(ids(index.matching(ip: probe, now: now)), Array(0...Int64(width)) + [1000], "\(probe)")
        // An address differing first at bit k lies in the blocks of prefix 0...k only.
        for k in 0..<width {
            let other = flipping(probe, bit: k)
            XCTAssertEqual(ids(index.matching(ip: other, now: now)), Array(0...Int64(k)), "\(other)")
        }
        for prefix in 0...width {
            let block = BanTarget.range(network: BanTarget.range(network: probe, prefixLength: prefix).first, prefixLength: prefix)
            let around = ids(index.matching(range: block, contains: true, now: now))
            XCTAssertEqual(around, Array(0...Int64(prefix)) + (prefix == width ? [1000] : []), "contains \(block)")
            let inside = ids(index.matching(range: block, contains: false, now: now))
            XCTAssertEqual(inside, Array(Int64(prefix)...Int64(width)) + [1000], "inside \(block)")
        }
    }

    func testIPv4EveryPrefixLength() {
        checkEveryPrefixLength(address("203.0.113.77"))
        checkEveryPrefixLength(address("255.255.255.255"))
        checkEveryPrefixLength(address("0.0.0.0"))
    }

    func testIPv6EveryPrefixLength() {
        checkEveryPrefixLength(address("2001:db8:85a3::8a2e:370:7334"))
        checkEveryPrefixLength(address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
        checkEveryPrefixLength(address("::1"))
    }

    func testFamiliesNeverMix() {
        var index = DecisionIndex()
        index.upsert(decision(1, "0.0.0.0/0", until: now + second), now: now)
        index.upsert(decision(2, "::/0", until: now + second), now: now)
        XCTAssertEqual(ids(index.matching(ip: address("192.0.2.1"), now: now)), [1])
        XCTAssertEqual(ids(index.matching(ip: address("2001:db8::1"), now: now)), [2])
        // An IPv4-mapped IPv6 address is the IPv4 address.
        XCTAssertEqual(ids(index.matching(ip: address("::ffff:192.0.2.1"), now: now)), [1])
        XCTAssertEqual(ids(index.matching(range: .range(network: address("::"), prefixLength: 0), contains: false, now: now)), [2])
    }

    func testAnIpAndARangeOfOneAddressAreTwoValues() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + second), now: now)
        index.upsert(decision(2, "192.0.2.1/32", until: now + second), now: now)
        XCTAssertEqual(index.count, 2)
        XCTAssertEqual(ids(index.matching(ip: address("192.0.2.1"), now: now)), [1, 2])
    }

    func testEndedDecisionsAreNeverReturned() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + second), now: now)
        index.upsert(decision(2, "192.0.2.0/24", until: now + 2 * second), now: now)
        // Not expired yet, but ended at the time of the lookup.
        XCTAssertEqual(ids(index.matching(ip: address("192.0.2.1"), now: now + second)), [2])
        XCTAssertEqual(ids(index.matching(range: .range(network: address("192.0.2.0"), prefixLength: 24), contains: false, now: now + second)), [2])
        XCTAssertEqual(index.count, 2)
    }

    /// Thousands of upserts and removals of crowded values, several decisions per value
    /// (the hash tables grow, and close the holes removals leave; a target's chain loses
    /// its first, middle and last decisions), then every value looked up.
    func testLookupsAfterManyRemovals() {
        var generator = SeededGenerator(seed: 5)
        let pool: [BanTarget] = (0..<3_000).map { n in
            let v4 = IPAddress(v4: 0xC633_6400 | UInt32(n))
            switch n % 3 {
            case 0: return .ip(v4)
            case 1: return .ip(IPAddress(v6: UInt128(0x2001_0db8) << 96 | UInt128(n)))
            default: return .range(network: IPAddress(v6: UInt128(0x2001_0db8) << 96 | UInt128(n) << 64), prefixLength: 64)
            }
        }
        var index = DecisionIndex()
        var held: [BanTarget: [Int64]] = [:]
        for id in Int64(1)...30_000 {
            let target = pool.randomElement(using: &generator)!
            if Bool.random(using: &generator), let holders = held[target], let holder = holders.randomElement(using: &generator) {
                index.remove(id: holder, now: now)
                held[target] = holders.count > 1 ? holders.filter { $0 != holder } : nil
            } else {
                index.upsert(Decision(id: id, origin: "o", type: "ban", target: target, scenario: "s", untilNs: now + second), now: now)
                held[target, default: []].append(id)
            }
        }
        XCTAssertEqual(index.count, held.values.map(\.count).reduce(0, +))
        XCTAssertGreaterThan(held.values.map(\.count).max() ?? 0, 2, "no target held three decisions at once")
        for target in pool {
            let expected = held[target] ?? []
            XCTAssertEqual(ids(index.matching(range: target, contains: false, now: now)), expected, "\(target)")
            if case .ip(let a) = target {
                XCTAssertEqual(ids(index.matching(ip: a, now: now)), expected, "\(target)")
            }
        }
    }

    /// Random decisions and queries against a scan with containment computed independently.
    func testAgreesWithAScan() {
        var generator = SeededGenerator(seed: 99)
        var index = DecisionIndex()
        var all: [Decision] = []
        // Addresses drawn from a few small neighbourhoods, so blocks overlap often.
        func randomAddress() -> IPAddress {
            if Bool.random(using: &generator) {
                return IPAddress(v4: 0xC000_0200 | UInt32.random(in: 0...0x3FF, using: &generator))
            }
            return IPAddress(v6: (UInt128(0x2001_0db8) << 96) | UInt128(UInt16.random(in: 0...0xFFF, using: &generator)) << 64 | UInt128(generator.next() & 0xF))
        }
        func randomTarget() -> BanTarget {
            let a = randomAddress()
            let low = a.isIPv4 ? 20 : 48
            let prefix = Int.random(in: low...a.width, using: &generator)
            if prefix == a.width && Bool.random(using: &generator) { return .ip(a) }
            return .range(network: BanTarget.range(network: a, prefixLength: prefix).first, prefixLength: prefix)
        }
        for id in 1...2_000 {
            let d = Decision(id: Int64(id), origin: "o", type: "ban", target: randomTarget(), scenario: "s", untilNs: now + second)
            index.upsert(d, now: now)
        }
        all = (1...2_000).compactMap { index.decision(id: Int64($0)) }
        func span(_ t: BanTarget) -> (isIPv4: Bool, first: UInt128, last: UInt128) {
            switch t {
            case .ip(let a): return (a.isIPv4, a.bits, a.bits)
            case .range(let n, let p):
                let host: UInt128 = p == n.width ? 0 : (UInt128(1) << UInt128(n.width - p)) - 1
                return (n.isIPv4, n.bits & ~host, n.bits | host)
            }
        }
        for _ in 0..<500 {
            let query = randomTarget()
            let q = span(query)
            let around = all.filter { let d = span($0.target); return d.isIPv4 == q.isIPv4 && d.first <= q.first && q.last <= d.last }
            let inside = all.filter { let d = span($0.target); return d.isIPv4 == q.isIPv4 && q.first <= d.first && d.last <= q.last }
            XCTAssertEqual(ids(index.matching(range: query, contains: true, now: now)), ids(around), "contains \(query)")
            XCTAssertEqual(ids(index.matching(range: query, contains: false, now: now)), ids(inside), "inside \(query)")
            if case .ip(let a) = query {
                XCTAssertEqual(ids(index.matching(ip: a, now: now)), ids(around), "ip \(a)")
            }
        }
    }
}
