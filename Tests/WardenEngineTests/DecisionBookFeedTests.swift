import WardenEngine
import WardenDecisions
import WardenModel
import XCTest

/// ``DecisionBook/apply(_:now:)``: a backend's change feed applied to the decisions.
final class DecisionBookFeedTests: XCTestCase {
    private let now: Int64 = 1_000_000_000_000

    private func ban(_ id: Int64, _ target: String, seconds: Int64 = 3600) -> Ban {
        Ban(id: id, scope: target.contains("/") ? "Range" : "Ip", target: target, origin: "cli", action: "ban",
            reason: "r", scenario: "s", untilNs: now + seconds * 1_000_000_000, createdNs: now, banCount: 1,
            eventsCount: 1, backend: "dummy")
    }

    /// The values the book serves now, sorted.
    private func values(_ book: DecisionBook) -> [String] {
        let body = String(decoding: book.liveBody(filter: DecisionFilter(), now: now), as: UTF8.self)
        return body.components(separatedBy: #""value":""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }.sorted()
    }

    func testAddsEndsAndEndsThroughAnId() {
        let book = DecisionBook()
        let adds = book.apply([.added(ban(1, "192.0.2.1")), .added(ban(2, "192.0.2.2")), .added(ban(3, "2001:db8::/32"))], now: now)
        XCTAssertEqual(adds.added, 3)
        XCTAssertEqual(adds.removed, 0)
        XCTAssertEqual(book.apply([.ended(id: 2, atNs: now)], now: now).removed, 1)
        XCTAssertEqual(values(book), ["192.0.2.1", "2001:db8::/32"])
        let after = book.apply([.added(ban(4, "192.0.2.4")), .endedThrough(id: 3, atNs: now)], now: now)
        XCTAssertEqual(after.added, 1)
        XCTAssertEqual(after.removed, 2)
        XCTAssertEqual(values(book), ["192.0.2.4"])
    }

    func testApplyingTheSameChangesAgainChangesNothing() {
        let book = DecisionBook()
        let changes: [BanChange] = [.added(ban(1, "192.0.2.1")), .added(ban(2, "192.0.2.2")), .ended(id: 1, atNs: now)]
        book.apply(changes, now: now)
        let again = book.apply(changes, now: now)
        XCTAssertEqual(again.removed, 1, "re-adding ban 1 and ending it again: one add, one removal")
        XCTAssertEqual(again.added, 1)
        XCTAssertEqual(book.apply([.added(ban(2, "192.0.2.2"))], now: now).added, 0, "a decision held as it is is not added twice")
        XCTAssertEqual(values(book), ["192.0.2.2"])
    }

    func testANewerBanOfAValueIsServedBesideTheOlder() {
        let book = DecisionBook()
        book.apply([.added(ban(1, "192.0.2.1"))], now: now)
        let second = book.apply([.added(ban(2, "192.0.2.1", seconds: 60))], now: now)
        XCTAssertEqual(second.added, 1)
        XCTAssertEqual(second.removed, 0, "a shorter ban never ends a longer one (STACKED BANS)")
        let expired = book.apply([.added(ban(3, "192.0.2.1", seconds: -1))], now: now)
        XCTAssertEqual(expired.added, 0, "a ban already past its until is not served")
        XCTAssertEqual(expired.removed, 0)
        XCTAssertEqual(book.count, 2)
        XCTAssertEqual(values(book), ["192.0.2.1", "192.0.2.1"])
    }

    func testTheUpdateNamesEachDecisionAndTheTallyFollows() {
        let book = DecisionBook()
        book.apply([.added(ban(1, "192.0.2.1")), .added(ban(2, "2001:db8::/32"))], now: now)
        let update = book.apply([.added(ban(3, "192.0.2.1")), .ended(id: 2, atNs: now)], now: now)
        XCTAssertEqual(update.events.map(\.summary), ["added 3", "removed 2"])
        XCTAssertEqual(book.activeTally(now: now).counts, [DecisionTally.Key(origin: "cscli", scope: "Ip"): 2])
        XCTAssertEqual(book.activeTally(now: now + 7200 * 1_000_000_000).counts, [:], "an ended decision is no longer active")
    }
}

extension DecisionEvent {
    fileprivate var summary: String {
        switch self {
        case .added(let decision): "added \(decision.id)"
        case .removed(let decision): "removed \(decision.id)"
        }
    }
}
