import WardenBackendHost
import WardenModel
import WardenStore

/// Each check is one promise of `warden_backend.h`, on fresh storage.
enum Checks {

    static func insertThenRead(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.1", seconds: 3600, events: 3))
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.count == 1, "read_at after one insert returned \(rows.count) rows, expected 1")
        let r = rows[0]
        try w.expect(r.id > 0, "id must be > 0, got \(r.id)")
        try w.expect(r.target == "192.0.2.1" && r.scope == "Ip", "target/scope: \(r.target) \(r.scope)")
        try w.expect(r.origin == "cli" && r.action == "ban", "origin/action: \(r.origin) \(r.action)")
        try w.expect(r.reason == "ssh bruteforce" && r.scenario == "crowdsecurity/ssh-bf", "reason/scenario: \(r.reason) \(r.scenario)")
        try w.expect(r.country == "FR" && r.asName == "Example Net" && r.asNumber == 64500, "geo: \(r.country) \(r.asText)")
        try w.expect(r.untilNs == w.clock.now + 3_600_000_000_000, "until_ns: \(r.untilNs)")
        try w.expect(r.createdNs == w.clock.now, "created_ns: \(r.createdNs), expected the signal's \(w.clock.now)")
        try w.expect(r.banCount == 1 && r.eventsCount == 3, "bancount/events: \(r.banCount) \(r.eventsCount), expected 1 3")
    }

    static func readYourWrites(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.2", seconds: 60))
        try w.expect(try w.targets(b) == ["192.0.2.2"], "an instance must read its own insert before flush")
        try w.expect(try b.delete(target: "192.0.2.2") == 1, "an instance must delete its own insert before flush")
    }

    static func ipv6AndRanges(_ w: World) throws {
        let b = try w.instance()
        for t in ["2001:db8::7", "198.51.100.0/24", "2001:db8:1::/48"] { try b.insert(try w.signal(t, seconds: 60)) }
        try b.flush()
        let rows = try b.read(at: w.clock.now).sorted { $0.target < $1.target }
        try w.expect(rows.map(\.target) == ["198.51.100.0/24", "2001:db8:1::/48", "2001:db8::7"], "targets: \(rows.map(\.target))")
        try w.expect(rows.map(\.scope) == ["Range", "Range", "Ip"], "scopes: \(rows.map(\.scope))")
    }

    static func expiryUsesGivenTime(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.3", seconds: 60))
        try b.flush()
        let start = w.clock.now
        try w.expect(try w.targets(b, at: start + 59_999_999_999) == ["192.0.2.3"], "a ban must be active before until")
        try w.expect(try w.targets(b, at: start + 60_000_000_000).isEmpty, "a ban must not be active at until")
        try w.expect(try w.targets(b, at: start - 1_000_000_000).isEmpty,
                     "a ban must not be active before its signal's created_ns: read_at must use the time it is given")
    }

    static func alreadyExpiredIsHidden(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.4", seconds: -5))
        try b.flush()
        try w.expect(try w.targets(b).isEmpty, "a ban stored already expired must not be returned")
    }

    static func newBanStacksOnLiveOne(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.5", seconds: 60, reason: "first", events: 3))
        w.clock.advance(seconds: 1)
        try b.insert(try w.signal("192.0.2.5", seconds: 120, reason: "second", events: 2, action: "captcha"))
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.map(\.reason) == ["second", "first"],
                     "a target keeps every live ban (STACKED BANS), newest first: got reasons \(rows.map(\.reason))")
        try w.expect(rows.allSatisfy { $0.banCount == 2 && $0.eventsCount == 5 },
                     "history must count: bancount \(rows.map(\.banCount)) events \(rows.map(\.eventsCount)), expected 2 5 on each row")
    }

    static func shorterBanDoesNotEndLongerOne(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.6", seconds: 3600, reason: "long"))
        w.clock.advance(seconds: 1)
        try b.insert(try w.signal("192.0.2.6", seconds: 10, reason: "short"))
        try b.flush()
        let later = try b.read(at: w.clock.now + 20_000_000_000)
        try w.expect(later.map(\.reason) == ["long"],
                     "a shorter ban must not end a longer one: 20 s later read_at lists \(later.map(\.reason)), expected ['long']")
    }

    static func deleteEndsEveryBanOfTarget(_ w: World) throws {
        let b = try w.instance()
        for seconds in [60, 3600, 30] { try b.insert(try w.signal("192.0.2.16", seconds: Int64(seconds))) }
        try b.insert(try w.signal("192.0.2.17", seconds: 60))
        try b.flush()
        let deleted = try b.delete(target: "192.0.2.16")
        try w.expect(deleted == 3, "delete_target of a target with 3 live bans must return 3, got \(deleted)")
        try w.expect(try w.targets(b) == ["192.0.2.17"], "delete_target must end every live ban of its target")
        try w.expect(try b.delete(target: "192.0.2.16") == 0, "a second delete_target must return 0")
    }

    static func simulatedBansAreNeverLive(_ w: World) throws {
        let b = try w.instance()
        var simulated = try w.signal("192.0.2.18", seconds: 3600, reason: "simulated")
        simulated.simulated = true
        try b.insert(simulated)
        try b.insert(try w.signal("192.0.2.19", seconds: 3600))
        try b.flush()
        try w.expect(try w.targets(b) == ["192.0.2.19"], "a simulated signal's ban must never be listed by read_at")
        try w.expect(try b.delete(target: "192.0.2.18") == 0, "delete_target must not count a simulated ban")
        try w.expect(try b.deleteAll() == 1, "delete_all must count the one live ban, not the simulated one")
    }

    static func deleteReturnsCount(_ w: World) throws {
        let b = try w.instance()
        for t in ["192.0.2.7", "192.0.2.8"] { try b.insert(try w.signal(t, seconds: 60)) }
        try b.flush()
        try w.expect(try b.delete(target: "192.0.2.7") == 1, "delete of a live ban must return 1")
        try w.expect(try b.delete(target: "192.0.2.7") == 0, "a second delete must return 0")
        try w.expect(try b.delete(target: "203.0.113.9") == 0, "delete of an unknown target must return 0")
        try w.expect(try w.targets(b) == ["192.0.2.8"], "only the other ban must stay")
    }

    static func deleteKeepsHistory(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.9", seconds: 60, events: 4))
        _ = try b.delete(target: "192.0.2.9")
        try b.insert(try w.signal("192.0.2.9", seconds: 60, events: 1))
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.count == 1 && rows[0].banCount == 2 && rows[0].eventsCount == 5,
                     "history must survive delete: \(rows.map { ($0.banCount, $0.eventsCount) }), expected [(2, 5)]")
    }

    static func deleteAllReturnsCount(_ w: World) throws {
        let b = try w.instance()
        for t in ["192.0.2.10", "192.0.2.11", "2001:db8::a"] { try b.insert(try w.signal(t, seconds: 60)) }
        try b.insert(try w.signal("192.0.2.12", seconds: -1))
        try b.flush()
        let deleted = try b.deleteAll()
        try w.expect(deleted == 3 || deleted == 4, "delete_all must count the live bans (3, or 4 with the expired one), got \(deleted)")
        try w.expect(try w.targets(b).isEmpty, "nothing may stay after delete_all")
        try w.expect(try b.deleteAll() == 0, "a second delete_all must return 0")
    }

    static func flushMakesVisibleToSecondInstance(_ w: World) throws {
        let a = try w.instance(), b = try w.instance()
        try a.insert(try w.signal("192.0.2.13", seconds: 60))
        try a.flush()
        try w.expect(try w.targets(b) == ["192.0.2.13"], "a second instance must see a flushed ban")
        _ = try b.delete(target: "192.0.2.13")
        try b.flush()
        try w.expect(try w.targets(a).isEmpty, "the first instance must see the second one's delete")
    }

    static func storesAreIsolated(_ w: World) throws {
        let a = try w.instance()
        try a.insert(try w.signal("192.0.2.14", seconds: 60))
        try a.flush()
        let other = World(suite: w.suite, id: w.id + "-other")
        try w.expect(try other.targets(try other.instance()).isEmpty, "storage of another id must not see the ban")
    }

    static func shutdownIsIdempotent(_ w: World) throws {
        let b = try w.instance()
        try b.insert(try w.signal("192.0.2.15", seconds: 60))
        try b.shutdown()
        try b.shutdown()
        try w.expect(try w.targets(try w.instance()) == ["192.0.2.15"], "shutdown must commit pending inserts")
    }

    static func autoCommitThenShutdownKeepsData(_ w: World) throws {
        let b = try w.instance(flush: true)
        try b.startAutoCommit()
        try b.startAutoCommit()
        for i in 0..<50 { try b.insert(try w.signal("198.51.100.\(i)", seconds: 60)) }
        try b.shutdown()
        try w.expect(try w.targets(try w.instance()).count == 50, "every insert must be kept after auto-commit and shutdown")
    }

    static func invalidConfigIsAnError(_ w: World) throws {
        guard !w.suite.invalidConfig.isEmpty else { return }
        do {
            _ = try w.instance(extra: w.suite.invalidConfig)
            throw ConformanceFailure(description: "init accepted the invalid config \(w.suite.invalidConfig)")
        } catch let error as BackendLoadError {
            guard case .initFailed(_, let status, let message) = error.reason, !message.isEmpty, status != 0 else {
                throw ConformanceFailure(description: "expected an init failure with a message, got: \(error)")
            }
        }
    }

    static func maintenanceExpiresAndPurges(_ w: World) throws {
        let b = try w.instance(extra: ["max_records": "3"], flush: true)
        try b.insert(try w.signal("192.0.2.20", seconds: 10))
        for i in 0..<4 {  // four bans on one target: three deleted, so history
            try b.insert(try w.signal("192.0.2.21", seconds: 3600, reason: "r\(i)"))
            if i < 3 { _ = try b.delete(target: "192.0.2.21") }
            w.clock.advance(seconds: 1)
        }
        try b.insert(try w.signal("192.0.2.22", seconds: 3600))
        w.clock.advance(seconds: 20)
        guard let report = try b.runMaintenance(now: w.clock.now) else { return }  // extension not offered
        try w.expect(report.expired == 1, "maintenance must expire the one ended ban, expired \(report.expired)")
        try w.expect(try w.targets(b) == ["192.0.2.21", "192.0.2.22"], "live bans must never be purged")
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.first { $0.target == "192.0.2.21" }?.reason == "r3", "the undeleted ban must stay live")
        try w.expect(report.purged >= 3, "max_records 3 with 6 records must purge history, purged \(report.purged)")
    }

    static func manyBansRoundTrip(_ w: World) throws {
        let b = try w.instance()
        for i in 0..<2000 { try b.insert(try w.signal("10.\(i / 256).\(i % 256).1", seconds: 60 + Int64(i))) }
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.count == 2000, "2000 inserts must read back as 2000 rows, got \(rows.count)")
        try w.expect(Set(rows.map(\.id)).count == 2000, "ids must be unique")
        try w.expect(zip(rows, rows.dropFirst()).allSatisfy { $0.id > $1.id }, "rows must come newest first (descending id)")
    }

    static func textIsKeptExactly(_ w: World) throws {
        let b = try w.instance()
        let reason = "Brute force — “ssh” 🔥 'quote' \"double\", comma; ÿ"
        try b.insert(try w.signal("192.0.2.30", seconds: 60, reason: reason))
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.first?.reason == reason, "UTF-8 text must round-trip, got \(rows.first?.reason ?? "nothing")")
    }

    /// One signal carrying several bans, events and labels, as the daemon sends them:
    /// every ban comes back whole, not only the first (the bans are an array of
    /// versioned structs, read through the host's stride).
    static func severalBansInOneSignal(_ w: World) throws {
        let b = try w.instance()
        let now = w.clock.now
        let targets = try [
            BanTarget.parseIP("192.0.2.40"), BanTarget.parseIP("2001:db8::40"), BanTarget.parseRange("198.51.100.0/24"),
        ]
        let bans = targets.enumerated().map { i, target in
            BanOrder(
                target: target, untilNs: now + Int64(i + 1) * 60_000_000_000, reason: "reason \(i)",
                scenario: "scenario \(i)", action: ["ban", "captcha", "slow"][i], origin: "local",
                country: ["FR", "DE", ""][i], asName: "AS \(i)", asNumber: 64500 + Int64(i))
        }
        let events = (0..<4).map {
            SignalOrder.Event(timeNs: now - Int64(4 - $0), source: "192.0.2.40", serialized: #"{"n":\#($0)}"#)
        }
        try b.insert(SignalOrder(
            scenario: "crowdsecurity/multi", message: "three bans", source: "192.0.2.40", eventsCount: 4,
            startNs: now - 4, stopNs: now - 1, createdNs: now, bans: bans, events: events, labels: ["type": "scan"]))
        try b.flush()
        let rows = try b.read(at: now).sorted { $0.target < $1.target }
        let sent = bans.sorted { $0.target.description < $1.target.description }
        try w.expect(rows.count == 3, "a signal of 3 bans must read back as 3 rows, got \(rows.count)")
        for (r, o) in zip(rows, sent) {
            let intact = r.target == o.target.description && r.scope == o.target.scopeName && r.origin == o.origin
                && r.action == o.action && r.reason == o.reason && r.scenario == o.scenario && r.country == o.country
                && r.asName == o.asName && r.asNumber == o.asNumber && r.untilNs == o.untilNs && r.createdNs == now
                && r.banCount == 1 && r.eventsCount == 4
            try w.expect(intact, "ban \(o.target) of a 3-ban signal came back as \(r)")
        }
    }
}
