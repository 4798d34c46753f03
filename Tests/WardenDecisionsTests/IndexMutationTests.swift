import WardenDecisions
import WardenModel
import XCTest

/// Several decisions per value, removal, delete_all and expiry, seen through lookups and the next delta.
final class IndexMutationTests: XCTestCase {
    let now: Int64 = 1_000 * second
    let all = DecisionFilter()

    func testANewDecisionForAValueIsKeptBesideTheOld() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        let cursor = index.cursor
        index.upsert(decision(2, "192.0.2.1", until: now + 30 * second, type: "captcha"), now: now + second)
        index.upsert(decision(3, "192.0.2.1", until: now + 10 * second), now: now + second)
        XCTAssertEqual(ids(index.matching(ip: address("192.0.2.1"), now: now + second)), [1, 2, 3])
        XCTAssertEqual(index.count, 3)
        // The stream sends, per type, the longest: the 60 s ban and the captcha.
        let delta = index.changes(since: cursor, now: now + 2 * second, filter: all)
        XCTAssertEqual(ids(delta.new), [1, 2])
        XCTAssertEqual(delta.deleted, [])
        XCTAssertEqual(ids(index.changes(since: cursor, now: now + 2 * second, filter: all, dedup: false).new), [1, 2, 3])
        // The shorter ban ending changes nothing a bouncer must drop.
        let later = index.changes(since: index.cursor, now: now + 11 * second, filter: all)
        XCTAssertEqual(later.deleted, [])
        XCTAssertEqual(ids(index.matching(ip: address("192.0.2.1"), now: now + 11 * second)), [1, 2])
    }

    func testRemovingTheFirstDecisionOfATargetKeepsTheOthersFindable() {
        var index = DecisionIndex()
        for id in 1...4 { index.upsert(decision(Int64(id), "198.51.100.0/24", until: now + Int64(id) * 60 * second), now: now) }
        index.remove(id: 1, now: now)
        index.remove(id: 3, now: now)
        XCTAssertEqual(ids(index.matching(ip: address("198.51.100.9"), now: now)), [2, 4])
        XCTAssertEqual(ids(index.matching(range: BanTarget(storedText: "198.51.100.0/25")!, contains: true, now: now)), [2, 4])
        XCTAssertEqual(ids(index.matching(range: BanTarget(storedText: "198.51.0.0/16")!, contains: false, now: now)), [2, 4])
        index.remove(id: 2, now: now)
        index.remove(id: 4, now: now)
        XCTAssertEqual(index.matching(ip: address("198.51.100.9"), now: now), [])
        XCTAssertEqual(index.matching(range: BanTarget(storedText: "198.51.0.0/16")!, contains: false, now: now), [])
    }

    func testUpsertingTheSameDecisionChangesNothing() {
        var index = DecisionIndex()
        let d = decision(1, "192.0.2.1", until: now + 60 * second)
        XCTAssertTrue(index.upsert(d, now: now))
        let cursor = index.cursor
        XCTAssertFalse(index.upsert(d, now: now + second))
        XCTAssertEqual(index.cursor, cursor)
    }

    func testUpsertingAChangedDecisionResendsIt() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        let cursor = index.cursor
        index.upsert(decision(1, "192.0.2.1", until: now + 600 * second), now: now + second)
        let delta = index.changes(since: cursor, now: now + second, filter: all)
        // The value stays banned: never in `deleted` beside its new version.
        XCTAssertEqual(delta.deleted, [])
        XCTAssertEqual(delta.new.map(\.untilNs), [now + 600 * second])
    }

    func testAnEndedDecisionIsNotAdded() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        XCTAssertFalse(index.upsert(decision(2, "192.0.2.1", until: now - second), now: now))
        XCTAssertEqual(index.count, 1)
        XCTAssertFalse(index.upsert(decision(3, "192.0.2.9", until: now), now: now))
    }

    func testRemoveEndsTheDecisionNow() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.0/24", until: now + 60 * second), now: now)
        let cursor = index.cursor
        XCTAssertEqual(index.remove(id: 1, now: now + 5 * second)?.untilNs, now + 5 * second)
        XCTAssertNil(index.remove(id: 1, now: now + 5 * second))
        XCTAssertEqual(index.matching(ip: address("192.0.2.7"), now: now + 5 * second), [])
        XCTAssertEqual(index.changes(since: cursor, now: now + 6 * second, filter: all).deleted.map(\.untilNs), [now + 5 * second])
    }

    func testDeleteAllEndsEveryDecisionUpToAnId() {
        var index = DecisionIndex()
        for id in 1...10 { index.upsert(decision(Int64(id), "192.0.2.\(id)", until: now + 60 * second), now: now) }
        let cursor = index.cursor
        XCTAssertEqual(index.removeAll(throughId: 6, now: now + second), 6)
        XCTAssertEqual(index.count, 4)
        XCTAssertEqual(ids(index.matching(range: .range(network: address("192.0.2.0"), prefixLength: 24), contains: false, now: now)), [7, 8, 9, 10])
        XCTAssertEqual(ids(index.changes(since: cursor, now: now + second, filter: all).deleted), [1, 2, 3, 4, 5, 6])
    }

    func testExpiryRemovesWhatEnded() {
        var index = DecisionIndex()
        for id in 1...100 { index.upsert(decision(Int64(id), "192.0.2.\(id)", until: now + Int64(101 - id) * second), now: now) }
        // Updated and removed decisions leave stale heap entries behind; expiry skips them.
        index.upsert(decision(100, "192.0.2.100", until: now + 500 * second), now: now)
        index.remove(id: 99, now: now)
        let cursor = index.cursor
        XCTAssertEqual(index.expire(now: now + 10 * second), 8)  // ids 91...98 (ends 10 s...3 s)
        XCTAssertEqual(index.count, 100 - 1 - 8)
        XCTAssertEqual(index.expire(now: now + 10 * second), 0)
        let delta = index.changes(since: cursor, now: now + 10 * second, filter: all)
        XCTAssertEqual(ids(delta.deleted), [98, 97, 96, 95, 94, 93, 92, 91])
        // An expired decision is reported with its own end time.
        XCTAssertEqual(delta.deleted.first?.untilNs, now + 3 * second)
        XCTAssertEqual(index.expire(now: now + 1_000 * second), 91)
        XCTAssertEqual(index.count, 0)
    }
}
