import WardenDecisions
import WardenModel
import XCTest

/// Random sequences of upserts, removals, delete_alls and time passing, against a
/// naive model: after every poll, a bouncer that applied each answer (deleted,
/// then new) holds exactly the active decisions its filter selects, whether it
/// keeps them by id or by value, and lookups agree with a scan of the model.
final class ChangeFeedPropertyTests: XCTestCase {
    /// The rules of the index, written the slow and obvious way.
    struct Model {
        var held: [Int64: Decision] = [:]

        mutating func upsert(_ d: Decision, now: Int64) {
            held = held.filter { $0.key != d.id && $0.value.value != d.value }
            if d.untilNs > now { held[d.id] = d }
        }

        func active(now: Int64, filter: DecisionFilter) -> [Int64: Decision] {
            held.filter { $0.value.untilNs > now && filter.matches($0.value) }
        }
    }

    /// A bouncer: its filter, its cursor, and what it holds.
    struct Bouncer {
        let filter: DecisionFilter
        var cursor: ChangeCursor?
        var byId: [Int64: Decision] = [:]
        var byValue: [String: Decision] = [:]

        mutating func apply(_ answer: DecisionChanges) {
            for d in answer.deleted {
                byId[d.id] = nil
                byValue[d.value] = nil
            }
            for d in answer.new {
                byId[d.id] = d
                byValue[d.value] = d
            }
            cursor = answer.cursor
        }
    }

    func testBouncersHoldExactlyTheActiveSet() throws {
        try run(seed: 1, steps: 4_000, limits: ChangeLogLimits())
        try run(seed: 2, steps: 4_000, limits: ChangeLogLimits())
    }

    func testBouncersResyncWhenTheLogIsShort() throws {
        try run(seed: 3, steps: 4_000, limits: ChangeLogLimits(maxEntries: 25, maxAgeNs: 20 * second))
    }

    private func run(seed: UInt64, steps: Int, limits: ChangeLogLimits) throws {
        continueAfterFailure = false  // the first wrong step tells; the next ones only repeat it
        var generator = SeededGenerator(seed: seed)
        let values = (1...12).map { "192.0.2.\($0)" } + ["192.0.2.0/28", "192.0.2.0/24", "198.51.100.0/24", "0.0.0.0/0"]
            + ["2001:db8::1", "2001:db8::2", "2001:db8::/64", "2001:db8::/32"]
        let filters = try [
            DecisionFilter(streamQuery: []),
            DecisionFilter(streamQuery: [("origins", "crowdsec")]),
            DecisionFilter(streamQuery: [("scopes", "range"), ("scenarios_containing", "SSH,http")]),
            DecisionFilter(streamQuery: [("scenarios_not_containing", "ssh")]),
        ]
        var index = DecisionIndex(limits: limits)
        var model = Model()
        var bouncers = filters.flatMap { [Bouncer(filter: $0), Bouncer(filter: $0)] }
        var now: Int64 = 1_000 * second
        var nextId: Int64 = 1
        var resyncs = 0
        for step in 0..<steps {
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<45:
                // A new decision, or a changed version of a held one.
                let reuse = Int.random(in: 0..<10, using: &generator) == 0 ? model.held.keys.randomElement(using: &generator) : nil
                let id = reuse ?? nextId
                if reuse == nil { nextId += 1 }
                let d = decision(
                    id, values.randomElement(using: &generator)!, until: now + Int64.random(in: -2...40, using: &generator) * second,
                    origin: ["cscli", "crowdsec"].randomElement(using: &generator)!,
                    type: ["ban", "captcha"].randomElement(using: &generator)!,
                    scenario: ["crowdsecurity/ssh-bf", "crowdsecurity/http-probing", "manual"].randomElement(using: &generator)!)
                index.upsert(d, now: now)
                model.upsert(d, now: now)
            case 45..<55:
                if let id = model.held.keys.randomElement(using: &generator) {
                    index.remove(id: id, now: now)
                    model.held[id] = nil
                }
            case 55..<57:
                let through = Int64.random(in: 0...nextId, using: &generator)
                index.removeAll(throughId: through, now: now)
                model.held = model.held.filter { $0.key > through }
            case 57..<75:
                now += Int64.random(in: 0...3_000, using: &generator) * 1_000_000
            case 75..<80:
                index.expire(now: now)
            default:
                let b = Int.random(in: 0..<bouncers.count, using: &generator)
                let answer = index.changes(since: bouncers[b].cursor, now: now, filter: bouncers[b].filter)
                let expected = model.active(now: now, filter: bouncers[b].filter)
                if answer.kind == .resync {
                    // Removals older than the log cannot be reported: the answer is the whole active set.
                    resyncs += 1
                    XCTAssertEqual(Set(ids(answer.new)), Set(expected.keys), "step \(step)")
                    bouncers[b] = Bouncer(filter: bouncers[b].filter)
                }
                bouncers[b].apply(answer)
                XCTAssertEqual(bouncers[b].byId, expected, "step \(step): by id")
                XCTAssertEqual(
                    bouncers[b].byValue, Dictionary(uniqueKeysWithValues: expected.values.map { ($0.value, $0) }),
                    "step \(step): by value")
                XCTAssertTrue(answer.new.allSatisfy { $0.untilNs > now }, "step \(step)")
                XCTAssertTrue(answer.deleted.allSatisfy { $0.untilNs <= now }, "step \(step)")
            }
            // Lookups agree with the model at every step.
            let probe = IPAddress(v4: 0xC000_0200 | UInt32.random(in: 0...20, using: &generator))
            let expected = model.active(now: now, filter: DecisionFilter()).values
                .filter { $0.target.contains(probe) }.map(\.id).sorted()
            XCTAssertEqual(ids(index.matching(ip: probe, now: now)), expected, "step \(step): \(probe)")
        }
        if limits.maxEntries < 100 { XCTAssertGreaterThan(resyncs, 0, "the short log never forced a resync") }
    }
}
