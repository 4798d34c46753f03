import WardenDecisions
import WardenModel
import XCTest

/// Random sequences of upserts (several decisions per value), removals, delete_alls
/// and time passing, against a naive model: after every poll, a bouncer that applied
/// each answer, `deleted` then `new` or `new` then `deleted`, keyed by value or by
/// value and type, holds exactly the active values its filter selects, and with dedup
/// per value and type the longest decision; lookups agree with a scan of the model.
final class ChangeFeedPropertyTests: XCTestCase {
    /// The rules of the index, written the slow and obvious way.
    struct Model {
        var held: [Int64: Decision] = [:]

        mutating func upsert(_ d: Decision, now: Int64) {
            held[d.id] = d.untilNs > now ? d : nil
        }

        func active(now: Int64, filter: DecisionFilter) -> [Int64: Decision] {
            held.filter { $0.value.untilNs > now && filter.matches($0.value) }
        }
    }

    /// A bouncer: its filter, its cursor, the order it applies an answer in, and what it holds.
    struct Bouncer {
        let filter: DecisionFilter
        let newFirst: Bool
        let dedup: Bool
        var cursor: ChangeCursor?
        var byValue: [String: Decision] = [:]
        var byValueAndType: [String: Decision] = [:]

        init(filter: DecisionFilter, newFirst: Bool, dedup: Bool) {
            self.filter = filter
            self.newFirst = newFirst
            self.dedup = dedup
        }

        mutating func apply(_ answer: DecisionChanges) {
            func lift() {
                for d in answer.deleted {
                    byValue[d.value] = nil
                    byValueAndType = byValueAndType.filter { $0.value.value != d.value }
                }
            }
            if !newFirst { lift() }
            for d in answer.new {
                byValue[d.value] = d
                byValueAndType[d.type + " " + d.value] = d
            }
            if newFirst { lift() }
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
        var bouncers = filters.flatMap { filter in
            [(false, true), (true, true), (true, false)].map { Bouncer(filter: filter, newFirst: $0.0, dedup: $0.1) }
        }
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
                let bouncer = bouncers[b]
                let answer = index.changes(since: bouncer.cursor, now: now, filter: bouncer.filter, dedup: bouncer.dedup)
                let expected = model.active(now: now, filter: bouncer.filter)
                var longest: [String: Decision] = [:]
                for d in expected.values {
                    let key = d.type + " " + d.value
                    if let kept = longest[key], kept.untilNs > d.untilNs || (kept.untilNs == d.untilNs && kept.id > d.id) { continue }
                    longest[key] = d
                }
                if answer.kind == .resync {
                    // Removals older than the log cannot be reported: the answer is the whole active set.
                    resyncs += 1
                    let sent = bouncer.dedup ? Set(longest.values.map(\.id)) : Set(expected.keys)
                    XCTAssertEqual(Set(ids(answer.new)), sent, "step \(step)")
                    bouncers[b] = Bouncer(filter: bouncer.filter, newFirst: bouncer.newFirst, dedup: bouncer.dedup)
                }
                let sentValues = answer.new.map(\.value)
                XCTAssertTrue(answer.deleted.allSatisfy { !sentValues.contains($0.value) }, "step \(step): a value both new and deleted")
                bouncers[b].apply(answer)
                XCTAssertEqual(
                    Set(bouncers[b].byValue.keys), Set(expected.values.map(\.value)), "step \(step): values held")
                if bouncer.dedup {
                    // A type that ended while its value stays live under another type is not lifted
                    // (the value is never in `deleted` then): held, never wrongly shortened.
                    for (key, d) in longest {
                        XCTAssertEqual(bouncers[b].byValueAndType[key], d, "step \(step): longest of \(key)")
                    }
                }
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
