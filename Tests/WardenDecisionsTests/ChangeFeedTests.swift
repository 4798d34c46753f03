import WardenDecisions
import WardenModel
import XCTest

/// The stream endpoint's answers: deltas, startup, resync, bounds and filters.
final class ChangeFeedTests: XCTestCase {
    let now: Int64 = 1_000 * second
    let all = DecisionFilter()

    func testAnIdleDeltaIsEmpty() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        let delta = index.changes(since: index.cursor, now: now + second, filter: all)
        XCTAssertEqual(delta.kind, .delta)
        XCTAssertEqual(delta.new, [])
        XCTAssertEqual(delta.deleted, [])
        XCTAssertEqual(delta.cursor, index.cursor)
    }

    func testADecisionAddedAndRemovedBetweenPollsIsNeitherNewNorDeleted() {
        var index = DecisionIndex()
        let cursor = index.cursor
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        index.remove(id: 1, now: now + second)
        index.upsert(decision(2, "192.0.2.2", until: now + 2 * second), now: now)
        let delta = index.changes(since: cursor, now: now + 3 * second, filter: all)
        XCTAssertEqual(delta.new, [])
        XCTAssertEqual(delta.deleted, [])
    }

    func testStartupSendsEveryActiveDecisionAndTheKeptRemovals() {
        var index = DecisionIndex()
        index.upsert(decision(3, "192.0.2.3", until: now + 60 * second), now: now)
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        index.upsert(decision(2, "192.0.2.2", until: now + 5 * second), now: now)
        index.remove(id: 1, now: now + second)
        let startup = index.changes(since: nil, now: now + 10 * second, filter: all)
        XCTAssertEqual(startup.kind, .startup)
        XCTAssertEqual(ids(startup.new), [3])
        XCTAssertEqual(ids(startup.deleted), [1, 2])
        XCTAssertEqual(startup.cursor, index.cursor)
    }

    func testStartupReportsADecisionRemovedTwiceOnce() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        index.upsert(decision(1, "192.0.2.1", until: now + 90 * second), now: now + second)
        index.remove(id: 1, now: now + 2 * second)
        let startup = index.changes(since: nil, now: now + 3 * second, filter: all)
        XCTAssertEqual(startup.deleted.map(\.untilNs), [now + 2 * second])
    }

    func testACursorOlderThanTheLogGetsAResync() {
        var index = DecisionIndex(limits: ChangeLogLimits(maxEntries: 3))
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        let old = index.cursor
        for id in 2...4 { index.upsert(decision(Int64(id), "192.0.2.\(id)", until: now + 60 * second), now: now) }
        index.remove(id: 4, now: now)
        let answer = index.changes(since: old, now: now, filter: all)
        XCTAssertEqual(answer.kind, .resync)
        XCTAssertEqual(ids(answer.new), [1, 2, 3])
        XCTAssertEqual(ids(answer.deleted), [4])
        // The newest cursor the log still covers gets a delta.
        let covered = ChangeCursor(sequence: index.cursor.sequence - 3)
        XCTAssertEqual(index.changes(since: covered, now: now, filter: all).kind, .delta)
    }

    func testACursorThisIndexNeverGaveGetsAResync() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        let answer = index.changes(since: ChangeCursor(sequence: 99), now: now, filter: all)
        XCTAssertEqual(answer.kind, .resync)
        XCTAssertEqual(ids(answer.new), [1])
    }

    func testOldChangesAreDroppedByAge() {
        var index = DecisionIndex(limits: ChangeLogLimits(maxAgeNs: 60 * second))
        index.upsert(decision(1, "192.0.2.1", until: now + 10 * second), now: now)
        let old = index.cursor
        index.expire(now: now + 20 * second)
        XCTAssertEqual(ids(index.changes(since: nil, now: now + 30 * second, filter: all).deleted), [1])
        XCTAssertEqual(index.changes(since: old, now: now + 30 * second, filter: all).kind, .delta)
        // A minute after the removal, it is forgotten.
        let late = index.changes(since: nil, now: now + 81 * second, filter: all)
        XCTAssertEqual(late.deleted, [])
        XCTAssertEqual(index.changes(since: old, now: now + 81 * second, filter: all).kind, .resync)
    }

    func testFiltersApplyToBothLists() throws {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second, origin: "cscli"), now: now)
        index.upsert(decision(2, "192.0.2.2", until: now + 60 * second, origin: "crowdsec"), now: now)
        let cursor = index.cursor
        index.remove(id: 1, now: now)
        index.remove(id: 2, now: now)
        index.upsert(decision(3, "192.0.2.3", until: now + 60 * second, origin: "cscli"), now: now)
        index.upsert(decision(4, "192.0.2.4", until: now + 60 * second, origin: "crowdsec"), now: now)
        let filter = try DecisionFilter(streamQuery: [("origins", "crowdsec")])
        let delta = index.changes(since: cursor, now: now, filter: filter)
        XCTAssertEqual(ids(delta.deleted), [2])
        XCTAssertEqual(ids(delta.new), [4])
        let startup = index.changes(since: nil, now: now, filter: filter)
        XCTAssertEqual(ids(startup.deleted), [2])
        XCTAssertEqual(ids(startup.new), [4])
    }

    func testChangesExpireFirst() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 5 * second), now: now)
        let cursor = index.cursor
        let delta = index.changes(since: cursor, now: now + 5 * second, filter: all)
        XCTAssertEqual(ids(delta.deleted), [1])
        XCTAssertEqual(index.count, 0)
    }

    /// The defect that opened ABI 1.2's work: ban, unban, re-ban, and a bouncer that
    /// starts now and applies `new` then `deleted` (the Traefik plugin) let the address through.
    func testAReBannedValueIsNeverInDeletedBesideItsLiveDecision() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 600 * second), now: now)
        let running = index.changes(since: nil, now: now, filter: all)
        index.remove(id: 1, now: now + second)
        index.upsert(decision(2, "192.0.2.1", until: now + 600 * second), now: now + 2 * second)
        let startup = index.changes(since: nil, now: now + 3 * second, filter: all)
        XCTAssertEqual(ids(startup.new), [2])
        XCTAssertEqual(startup.deleted, [])
        let delta = index.changes(since: running.cursor, now: now + 3 * second, filter: all)
        XCTAssertEqual(ids(delta.new), [2])
        XCTAssertEqual(delta.deleted, [])
    }

    func testWhenTheLongestDecisionEndsTheNextLongestIsSent() {
        var index = DecisionIndex()
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second), now: now)
        index.upsert(decision(2, "192.0.2.1", until: now + 600 * second), now: now)
        let startup = index.changes(since: nil, now: now, filter: all)
        XCTAssertEqual(ids(startup.new), [2])
        index.remove(id: 2, now: now + second)
        let delta = index.changes(since: startup.cursor, now: now + second, filter: all)
        XCTAssertEqual(ids(delta.new), [1])
        XCTAssertEqual(delta.deleted, [])
        // The last one ending lifts the value.
        let end = index.changes(since: delta.cursor, now: now + 60 * second, filter: all)
        XCTAssertEqual(end.new, [])
        XCTAssertEqual(ids(end.deleted), [1])
    }

    func testAValueLiveOutsideTheFilterIsStillLiftedForThatBouncer() throws {
        var index = DecisionIndex()
        let filter = try DecisionFilter(streamQuery: [("origins", "crowdsec")])
        index.upsert(decision(1, "192.0.2.1", until: now + 60 * second, origin: "crowdsec"), now: now)
        index.upsert(decision(2, "192.0.2.1", until: now + 600 * second, origin: "cscli"), now: now)
        let startup = index.changes(since: nil, now: now, filter: filter)
        XCTAssertEqual(ids(startup.new), [1])
        index.remove(id: 1, now: now + second)
        XCTAssertEqual(ids(index.changes(since: startup.cursor, now: now + second, filter: filter).deleted), [1])
    }
}
