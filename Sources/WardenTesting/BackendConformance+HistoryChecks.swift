import WardenBackendHost
import WardenModel

/// One second in the ABI's nanoseconds.
private let second: Int64 = 1_000_000_000

/// The promises about time and history: what `read_at` shows of the past, what a
/// delete ends, what retention purges (`warden_backend.h`, read_at, delete_target,
/// warden.maintenance/1).
extension Checks {

    static func pastReadSkipsLaterBans(_ w: World) throws {
        let b = try w.instance()
        let t0 = w.clock.now
        try b.insert(try w.signal("192.0.2.40", seconds: 3600))
        w.clock.advance(seconds: 60)
        try b.insert(try w.signal("192.0.2.41", seconds: 3600))
        try b.flush()
        let then = try w.targets(b, at: t0 + 30 * second)
        try w.expect(then == ["192.0.2.40"],
                     "read_at 30s after the first ban listed \(then); the ban created 60s after it must not be listed yet")
        try w.expect(try w.targets(b) == ["192.0.2.40", "192.0.2.41"], "both bans must be active now")
    }

    static func pastReadShowsLaterDeletes(_ w: World) throws {
        let b = try w.instance()
        let t0 = w.clock.now
        for t in ["192.0.2.42", "192.0.2.43", "2001:db8::42"] { try b.insert(try w.signal(t, seconds: 3600)) }
        try b.flush()
        w.clock.advance(seconds: 60)
        let t1 = w.clock.now
        try w.expect(try b.delete(target: "192.0.2.42") == 1, "delete of a live ban must return 1")
        w.clock.advance(seconds: 60)
        let t2 = w.clock.now
        try w.expect(try b.deleteAll() == 2, "delete_all must end the two other live bans")
        let beforeDelete = try w.targets(b, at: t0 + 30 * second)
        try w.expect(beforeDelete == ["192.0.2.42", "192.0.2.43", "2001:db8::42"],
                     "read_at before the deletes listed \(beforeDelete); bans deleted later were active then and must be listed")
        let atDelete = try w.targets(b, at: t1)
        try w.expect(atDelete == ["192.0.2.43", "2001:db8::42"],
                     "read_at at the delete_target call listed \(atDelete); a ban ends at the host's now of its delete")
        let beforeDeleteAll = try w.targets(b, at: t2 - second)
        try w.expect(beforeDeleteAll == ["192.0.2.43", "2001:db8::42"],
                     "read_at 1s before delete_all listed \(beforeDeleteAll); expected the two bans it ended")
        try w.expect(try w.targets(b, at: t2).isEmpty, "a ban ends at the host's now of delete_all")
    }

    static func pastReadShowsStackedBans(_ w: World) throws {
        let b = try w.instance()
        let t0 = w.clock.now
        try b.insert(try w.signal("192.0.2.45", seconds: 3600, reason: "first", events: 3))
        w.clock.advance(seconds: 60)
        let t1 = w.clock.now
        try b.insert(try w.signal("192.0.2.45", seconds: 600, reason: "second", events: 2))
        try b.flush()
        let then = try b.read(at: t0 + 30 * second)
        try w.expect(then.map(\.reason) == ["first"],
                     "read_at before the second ban returned reasons \(then.map(\.reason)), expected ['first']")
        let old = then[0]
        try w.expect(old.untilNs == t0 + 3600 * second && old.createdNs == t0,
                     "the first ban must come back as it was: until \(old.untilNs) created \(old.createdNs)")
        try w.expect(old.banCount == 2 && old.eventsCount == 5,
                     "bancount/events count the whole history whatever the time read: \(old.banCount) \(old.eventsCount), expected 2 5")
        let both = try b.read(at: t1)
        try w.expect(both.map(\.reason) == ["second", "first"],
                     "read_at at the second ban's created_ns returned \(both.map(\.reason)); both live, newest first")
        let after = try b.read(at: t1 + 900 * second)
        try w.expect(after.map(\.reason) == ["first"],
                     "read_at after the second ban's until returned \(after.map(\.reason)); the first outlives it")
    }

    static func sweptBanStaysInThePast(_ w: World) throws {
        let b = try w.instance(flush: true)
        let t0 = w.clock.now
        try b.insert(try w.signal("192.0.2.46", seconds: 10))
        w.clock.advance(seconds: 20)
        guard let report = try b.runMaintenance(now: w.clock.now) else { return }  // extension not offered
        try w.expect(report.expired == 1, "maintenance must expire the ended ban, expired \(report.expired)")
        try w.expect(try w.targets(b, at: t0 + 5 * second) == ["192.0.2.46"],
                     "a ban ended by the expiry sweep must still be listed at a time before its until")
        try w.expect(try w.targets(b).isEmpty, "an expired ban must not be active now")
    }

    static func deleteSkipsExpiredBan(_ w: World) throws {
        let b = try w.instance()
        let t0 = w.clock.now
        try b.insert(try w.signal("192.0.2.60", seconds: 10, reason: "expired", events: 2))
        try b.flush()
        w.clock.advance(seconds: 20)
        let deleted = try b.delete(target: "192.0.2.60")
        try w.expect(deleted == 0,
                     "delete_target of a ban past its until (not swept) returned \(deleted); it is not live: expected 0")
        try b.insert(try w.signal("192.0.2.60", seconds: 60, events: 1))
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.count == 1 && rows[0].banCount == 2 && rows[0].eventsCount == 3,
                     "the expired ban must stay history: \(rows.map { ($0.banCount, $0.eventsCount) }), expected [(2, 3)]")
        let then = try b.read(at: t0 + 5 * second)
        try w.expect(then.map(\.reason) == ["expired"],
                     "the expired ban must still be listed at a time it was active, got \(then.map(\.reason))")
    }

    static func deleteTwiceBeforeFlush(_ w: World) throws {
        let a = try w.instance(), b = try w.instance()
        try a.insert(try w.signal("192.0.2.61", seconds: 60))
        try w.expect(try a.delete(target: "192.0.2.61") == 1, "delete of a ban inserted before flush must return 1")
        try w.expect(try a.delete(target: "192.0.2.61") == 0, "a second delete before flush must return 0")
        try a.flush()
        try w.expect(try a.delete(target: "192.0.2.61") == 0, "a delete after flush must still return 0")
        try a.flush()
        try w.expect(try b.delete(target: "192.0.2.61") == 0, "another instance's delete must return 0")
        try w.expect(try w.targets(b).isEmpty && w.targets(a).isEmpty, "the deleted ban must stay deleted")
    }

    static func retentionAgeCountsFromCreation(_ w: World) throws {
        let b = try w.instance(extra: ["max_records_age": "1h"])
        try b.insert(try w.signal("192.0.2.80", seconds: 36_000, reason: "a1"))
        try b.insert(try w.signal("192.0.2.81", seconds: 36_000, reason: "live and old"))
        w.clock.advance(seconds: 70 * 60)
        _ = try b.delete(target: "192.0.2.80")
        try b.insert(try w.signal("192.0.2.80", seconds: 36_000, reason: "a2"))
        w.clock.advance(seconds: 20 * 60)
        _ = try b.delete(target: "192.0.2.80")
        try b.insert(try w.signal("192.0.2.80", seconds: 36_000, reason: "a3"))
        w.clock.advance(seconds: 30 * 60)
        // Now: a1 is history (deleted) created 2h ago (its until is 8h ahead), a2 history created 50 min ago.
        guard let report = try b.runMaintenance(now: w.clock.now) else { return }  // extension not offered
        try w.expect(report.purged == 1,
                     "max_records_age 1h purged \(report.purged) records; expected 1: the history created 2h ago, "
                         + "whatever its until (the age counts from created_ns)")
        let rows = try b.read(at: w.clock.now).sorted { $0.target < $1.target }
        try w.expect(rows.map(\.reason) == ["a3", "live and old"], "live bans must never be purged: \(rows.map(\.reason))")
        try w.expect(rows[0].banCount == 2, "a2 (50 min old) must stay in history: bancount \(rows[0].banCount), expected 2")
    }
}
