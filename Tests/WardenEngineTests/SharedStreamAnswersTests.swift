import Synchronization
import WardenDecisions
import WardenEngine
import WardenModel
import XCTest

/// ``DecisionBook/streamBody(bouncer:startup:filter:dedup:now:sharing:render:)``: pulls
/// that ask for the same answer at nearly the same time share one rendering, and only those.
final class SharedStreamAnswersTests: XCTestCase {
    private let now: Int64 = 1_000_000_000_000
    private let second: Int64 = 1_000_000_000

    /// What a pull got: the answer's values (new, then deleted) and the time it was rendered at.
    final class Rendered: Sendable {
        let new: [String]
        let deleted: [String]
        let at: Int64
        init(_ changes: DecisionChanges, at: Int64) {
            new = changes.new.map(\.target.description)
            deleted = changes.deleted.map(\.target.description)
            self.at = at
        }
    }

    /// A book, the shared answers, and how many times an answer was rendered.
    private final class Fixture: Sendable {
        let book = DecisionBook()
        let shared = SharedStreamAnswers<Rendered>()
        let renderings = Mutex(0)

        func pull(_ bouncer: String, startup: Bool = false, at now: Int64, filter: DecisionFilter = DecisionFilter()) -> Rendered {
            book.streamBody(bouncer: bouncer, startup: startup, filter: filter, now: now, sharing: shared) { changes, at in
                renderings.withLock { $0 += 1 }
                return Rendered(changes, at: at)
            }
        }

        var renderCount: Int { renderings.withLock { $0 } }
    }

    private func ban(_ id: Int64, _ target: String, at now: Int64, seconds: Int64 = 3600) -> Ban {
        Ban(id: id, scope: "Ip", target: target, origin: "cli", action: "ban", reason: "r", scenario: "s",
            untilNs: now + seconds * 1_000_000_000, createdNs: now, banCount: 1, eventsCount: 1, backend: "dummy")
    }

    func testStartupsOfTheSameBookShareOneRenderingAndEachBouncerMovesOn() {
        let fixture = Fixture()
        fixture.book.apply([.added(ban(1, "192.0.2.1", at: now)), .added(ban(2, "192.0.2.2", at: now))], now: now)
        let first = fixture.pull("a", startup: true, at: now)
        let second = fixture.pull("b", startup: true, at: now + 300_000_000)
        XCTAssertTrue(first === second, "the second startup gets the first one's answer")
        XCTAssertEqual(fixture.renderCount, 1)
        XCTAssertEqual(second.new, ["192.0.2.1", "192.0.2.2"])
        XCTAssertEqual(second.at, now, "durations are counted from the first pull")
        // Both bouncers now stand at the end of that answer: nothing new for either.
        XCTAssertEqual(fixture.pull("a", at: now + 400_000_000).new, [])
        XCTAssertEqual(fixture.pull("b", at: now + 400_000_000).new, [])
    }

    /// A kept answer is let go once its second is over, without waiting for another pull
    /// (at a million decisions a startup body is 140 MB).
    func testAnAnswerIsLetGoWhenItsSecondIsOver() async throws {
        let fixture = Fixture()
        fixture.book.apply([.added(ban(1, "192.0.2.1", at: now))], now: now)
        weak var kept = fixture.pull("a", startup: true, at: now)
        let started = ContinuousClock.now
        while kept != nil, ContinuousClock.now - started < .seconds(10) {
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertNil(kept, "the answer is still held after its second")
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(900), "not before its second")
    }

    func testAChangeBetweenTwoPullsIsNeverHiddenBySharing() {
        let fixture = Fixture()
        fixture.book.apply([.added(ban(1, "192.0.2.1", at: now))], now: now)
        _ = fixture.pull("a", startup: true, at: now)
        fixture.book.apply([.added(ban(2, "192.0.2.2", at: now))], now: now)
        XCTAssertEqual(fixture.pull("b", startup: true, at: now).new, ["192.0.2.1", "192.0.2.2"])
        fixture.book.apply([.ended(id: 1, atNs: now)], now: now)
        XCTAssertEqual(fixture.pull("c", startup: true, at: now).new, ["192.0.2.2"])
        XCTAssertEqual(fixture.renderCount, 3)
    }

    func testADecisionThatExpiresBetweenTwoPullsEndsTheSharing() {
        let fixture = Fixture()
        fixture.book.apply([.added(ban(1, "192.0.2.1", at: now, seconds: 1)), .added(ban(2, "192.0.2.2", at: now))], now: now)
        _ = fixture.pull("a", startup: true, at: now + 500_000_000)
        let later = fixture.pull("b", startup: true, at: now + second)
        XCTAssertEqual(later.new, ["192.0.2.2"], "ban 1 ended at its until, between the two pulls")
        XCTAssertEqual(fixture.renderCount, 2)
    }

    func testAnAnswerIsSharedForLessThanASecond() {
        let fixture = Fixture()
        fixture.book.apply([.added(ban(1, "192.0.2.1", at: now))], now: now)
        let first = fixture.pull("a", startup: true, at: now)
        XCTAssertTrue(fixture.pull("b", startup: true, at: now + second - 1) === first)
        let third = fixture.pull("c", startup: true, at: now + second)
        XCTAssertFalse(third === first)
        XCTAssertEqual(third.at, now + second)
        XCTAssertEqual(fixture.renderCount, 2)
    }

    func testDeltasFromTheSamePositionShareAndOthersDoNot() {
        let fixture = Fixture()
        fixture.book.apply([.added(ban(1, "192.0.2.1", at: now))], now: now)
        _ = fixture.pull("a", startup: true, at: now)
        _ = fixture.pull("b", startup: true, at: now)
        XCTAssertEqual(fixture.renderCount, 1)
        // A blocklist refresh: both bouncers stand at the same position and get one delta.
        fixture.book.apply([.added(ban(2, "192.0.2.2", at: now)), .added(ban(3, "192.0.2.3", at: now))], now: now)
        let deltaA = fixture.pull("a", at: now + 1)
        let deltaB = fixture.pull("b", at: now + 2)
        XCTAssertTrue(deltaA === deltaB)
        XCTAssertEqual(deltaA.new, ["192.0.2.2", "192.0.2.3"])
        XCTAssertEqual(fixture.renderCount, 2)
        // A bouncer that starts up now stands elsewhere: its own answer.
        XCTAssertEqual(fixture.pull("c", startup: true, at: now + 3).new, ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
        XCTAssertEqual(fixture.renderCount, 3)
    }

    func testPullsWithOtherFiltersRenderTheirOwn() {
        let fixture = Fixture()
        fixture.book.apply([.added(ban(1, "192.0.2.1", at: now))], now: now)
        _ = fixture.pull("a", startup: true, at: now)
        let other = fixture.pull("b", startup: true, at: now, filter: DecisionFilter(origins: ["crowdsec"]))
        XCTAssertEqual(other.new, [], "a cli ban is not of origin crowdsec")
        XCTAssertEqual(fixture.renderCount, 2)
    }
}
