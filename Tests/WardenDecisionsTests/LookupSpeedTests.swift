import Glibc
import WardenDecisions
import WardenModel
import XCTest

/// How long `matching(ip:)` takes on a realistic index: prints a figure, asserts
/// no time (the machine is shared). Meaningful in a release build:
/// `swift test -c release --filter LookupSpeedTests`. A debug build runs 1/50th
/// of the lookups, to check the answers without slowing the suite.
final class LookupSpeedTests: XCTestCase {
    func testMillionLookupsOnHundredThousandDecisions() {
        var generator = SeededGenerator(seed: 100_000)
        var index = DecisionIndex()
        var banned: [IPAddress] = []
        var id: Int64 = 0
        /// Adds `count` decisions made by `target` (random targets can repeat: a repeat replaces, so draw again).
        func add(_ count: Int, _ target: () -> BanTarget) {
            let goal = index.count + count
            while index.count < goal {
                id += 1
                let t = target()
                index.upsert(
                    Decision(id: id, origin: "crowdsec", type: "ban", target: t, scenario: "s", untilNs: .max),
                    now: 0)
                if case .ip(let a) = t { banned.append(a) }
            }
        }
        func block(_ a: IPAddress, _ prefix: Int) -> BanTarget {
            .range(network: BanTarget.range(network: a, prefixLength: prefix).first, prefixLength: prefix)
        }
        let v6Base = UInt128(0x2001_0db8) << 96
        // 70 000 IPv4 addresses, 10 000 IPv4 ranges /16 to /31, 15 000 IPv6 addresses, 5 000 IPv6 ranges /32 to /64.
        add(70_000) { .ip(IPAddress(v4: UInt32.random(in: 0...UInt32.max, using: &generator))) }
        add(10_000) {
            block(IPAddress(v4: UInt32.random(in: 0...UInt32.max, using: &generator)), Int.random(in: 16...31, using: &generator))
        }
        add(15_000) { .ip(IPAddress(v6: v6Base | UInt128(generator.next()) << 32 | UInt128(UInt32.random(in: 0...UInt32.max, using: &generator)))) }
        add(5_000) { block(IPAddress(v6: v6Base | UInt128(generator.next()) << 32), Int.random(in: 32...64, using: &generator)) }
        XCTAssertEqual(index.count, 100_000)
        // Half the queries are banned addresses, half random ones (mostly misses), 85 % IPv4.
        var queries: [IPAddress] = []
        var knownHits = 0
        for _ in 0..<10_000 {
            if Bool.random(using: &generator) {
                queries.append(banned.randomElement(using: &generator)!)
                knownHits += 1
            } else if Int.random(in: 0..<100, using: &generator) < 85 {
                queries.append(IPAddress(v4: UInt32.random(in: 0...UInt32.max, using: &generator)))
            } else {
                queries.append(IPAddress(v6: v6Base | UInt128(generator.next()) << 32))
            }
        }
        #if DEBUG
            let rounds = 2
        #else
            let rounds = 100
        #endif
        var hitQueries = 0
        // Wall time, and this thread's CPU time (less disturbed when other work shares the CPUs).
        func clocks() -> (wall: Double, cpu: Double) {
            var wall = timespec(), cpu = timespec()
            clock_gettime(CLOCK_MONOTONIC, &wall)
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
            return (Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9, Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9)
        }
        let start = clocks()
        for _ in 0..<rounds {
            for query in queries where !index.matching(ip: query, now: 1).isEmpty { hitQueries += 1 }
        }
        let end = clocks()
        XCTAssertGreaterThanOrEqual(hitQueries, knownHits * rounds)
        let lookups = Double(rounds * queries.count)
        print(
            "matching(ip:): \(Int(lookups)) lookups on \(index.count) decisions: "
                + "wall \(end.wall - start.wall) s (\(Int((end.wall - start.wall) * 1e9 / lookups)) ns each), "
                + "CPU \(end.cpu - start.cpu) s (\(Int((end.cpu - start.cpu) * 1e9 / lookups)) ns each); "
                + "\(hitQueries) found at least one decision")
    }
}
