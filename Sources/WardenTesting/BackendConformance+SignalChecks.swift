import WardenBackendHost
import WardenModel

/// One second in the ABI's nanoseconds.
private let second: Int64 = 1_000_000_000

/// The promises of the `warden.history/1` extension (`warden_backend.h`): each check
/// returns at once when the backend does not offer it.
extension Checks {

    static func historyCountsContainingBans(_ w: World) throws {
        let b = try w.instance()
        guard b.offersHistory else { return }
        let t0 = w.clock.now
        try b.insert(try w.signal("192.0.2.10", seconds: 600))
        try b.insert(try w.signal("192.0.2.0/24", seconds: 7200))
        try b.insert(try w.signal("192.0.2.11", seconds: 3600))
        try b.insert(try w.signal("2001:db8::10", seconds: 3600))
        try b.flush()
        w.clock.advance(seconds: 60)
        try b.insert(try w.signal("192.0.2.10", seconds: 1200, reason: "again, not flushed"))
        let now = w.clock.now
        let address = try BanTarget.parseIP("192.0.2.10")
        let all = try b.targetHistory(address, sinceNs: nil, now: now)
        try w.expect(all == TargetHistory(banCount: 3, activeCount: 3, activeUntilNs: t0 + 7200 * second),
                     "target_history of 192.0.2.10 gave \(all); expected its two bans and the /24 that contains it "
                     + "(3), all three live (STACKED BANS; the second unflushed), the /24's until as the latest")
        let recent = try b.targetHistory(address, sinceNs: t0, now: now)
        try w.expect(recent.banCount == 1,
                     "target_history since the first inserts counted \(recent.banCount); only the ban created after them counts")
        let block = try b.targetHistory(try BanTarget.parseRange("192.0.2.0/24"), sinceNs: nil, now: now)
        try w.expect(block == TargetHistory(banCount: 1, activeCount: 1, activeUntilNs: t0 + 7200 * second),
                     "target_history of 192.0.2.0/24 gave \(block); an address ban does not contain a block, the /24 itself does")
        let none = try b.targetHistory(try BanTarget.parseIP("198.51.100.1"), sinceNs: nil, now: now)
        try w.expect(none == TargetHistory(banCount: 0, activeCount: 0, activeUntilNs: nil),
                     "target_history of an address never banned gave \(none)")
        w.clock.advance(seconds: 7200)
        let later = try b.targetHistory(address, sinceNs: nil, now: w.clock.now)
        try w.expect(later == TargetHistory(banCount: 3, activeCount: 0, activeUntilNs: nil),
                     "once every ban is past its until, target_history gave \(later); expected 3 bans, none live")
    }

    /// A signal with two bans, events and labels, created now.
    private static func richSignal(_ w: World) throws -> SignalOrder {
        var order = try w.signal(bans: ["192.0.2.20", "198.51.100.0/24"], seconds: 3600, events: 2)
        order.scenario = "crowdsecurity/http-probing"
        order.message = "Ip 192.0.2.20 performed 'crowdsecurity/http-probing' (2 events)"
        order.source = "192.0.2.20"
        order.startNs = w.clock.now - 30 * second
        order.stopNs = w.clock.now - 5 * second
        order.bans[1].action = "captcha"
        order.bans[1].origin = "cscli"
        order.events = [
            .init(timeNs: order.startNs, source: "192.0.2.20", serialized: #"{"log_type":"http_access-log","status":"404"}"#),
            .init(timeNs: order.stopNs, source: "192.0.2.20", serialized: #"{"log_type":"http_access-log","status":"403"}"#),
        ]
        order.labels = ["remediation": "true", "classification": "attack.T1595"]
        return order
    }

    static func historyReadsSignalsBack(_ w: World) throws {
        let b = try w.instance()
        guard b.offersHistory else { return }
        try b.insert(try w.signal("192.0.2.19", seconds: 3600))
        let order = try richSignal(w)
        try b.insert(order)  // not flushed: read_signals sees the instance's own writes
        let listed = try b.readSignals(SignalQuery(), now: w.clock.now)
        try w.expect(listed.count == 2 && listed[0].id > listed[1].id,
                     "read_signals listed \(listed.map(\.id)); expected the two signals, newest first")
        let s = listed[0]
        try w.expect(s.scenario == order.scenario && s.message == order.message && s.source == order.source
                     && s.eventsCount == 2 && s.startNs == order.startNs && s.stopNs == order.stopNs
                     && s.createdNs == order.createdNs && !s.simulated,
                     "read_signals must give the signal back as inserted, got \(s)")
        try w.expect(s.events == order.events, "read_signals gave events \(s.events), inserted \(order.events)")
        try w.expect(s.labels == order.labels, "read_signals gave labels \(s.labels), inserted \(order.labels)")
        let bans = s.bans.map { "\($0.scope) \($0.target) \($0.action) \($0.origin) \($0.untilNs - w.clock.now)" }
        try w.expect(bans == ["Ip 192.0.2.20 ban cli \(3600 * second)", "Range 198.51.100.0/24 captcha cscli \(3600 * second)"],
                     "read_signals gave bans \(bans); expected both, in insertion order")
        try w.expect(s.bans[0].id == s.id && s.bans[1].id > s.id && s.bans.allSatisfy { $0.endedNs == nil },
                     "a signal's id is its first ban's, its bans unended: got id \(s.id), bans \(s.bans)")
        let read = try b.read(at: w.clock.now).first { $0.target == "192.0.2.20" }
        try w.expect(read?.id == s.bans[0].id, "read_signals and read_at must give a ban the same id")
        let byID = try b.readSignals(SignalQuery(id: s.id), now: w.clock.now)
        try w.expect(byID == [s], "read_signals by id \(s.id) gave \(byID.map(\.id))")
        let byBan = try b.readSignals(SignalQuery(banID: s.bans[1].id), now: w.clock.now)
        try w.expect(byBan.map(\.id) == [s.id], "read_signals by ban id \(s.bans[1].id) gave \(byBan.map(\.id))")
        let first = try b.readSignals(SignalQuery(limit: 1), now: w.clock.now)
        try w.expect(first.map(\.id) == [s.id], "read_signals with limit 1 gave \(first.map(\.id)); expected the newest")
    }

    /// `insert_signal` (ABI 1.1, optional): the id it gives is the one read_signals lists,
    /// among plain inserts before and after; a signal without bans gets 0.
    static func historyInsertSignalGivesTheListedID(_ w: World) throws {
        let b = try w.instance()
        guard b.offersHistory else { return }
        try b.insert(try w.signal("192.0.2.30", seconds: 3600))
        guard let id = try b.insertReturningID(try richSignal(w)) else { return }  // not offered
        var bare = try w.signal("192.0.2.31", seconds: 3600)
        bare.bans = []
        let none = try b.insertReturningID(bare)
        try b.insert(try w.signal("192.0.2.32", seconds: 3600))
        let last = try b.insertReturningID(try w.signal("192.0.2.33", seconds: 3600))
        try b.flush()
        let listed = try b.readSignals(SignalQuery(), now: w.clock.now)
        try w.expect(listed.count == 4 && listed[0].id == last && listed[2].id == id,
                     "insert_signal gave ids \(id) and \(last ?? 0); read_signals listed \(listed.map(\.id)) (newest first)")
        try w.expect(listed[2].scenario == "crowdsecurity/http-probing" && listed[2].bans.count == 2,
                     "the id insert_signal gave lists another signal: \(listed[2])")
        try w.expect(none == 0, "insert_signal of a signal without bans gave \(none ?? -1); expected 0")
    }

    static func historyFiltersSignals(_ w: World) throws {
        let b = try w.instance()
        guard b.offersHistory else { return }
        let t0 = w.clock.now
        try b.insert(try w.signal("192.0.2.30", seconds: 3600))
        w.clock.advance(seconds: 10)
        try b.insert(try richSignal(w))  // 192.0.2.20 and 198.51.100.0/24
        w.clock.advance(seconds: 10)
        try b.insert(try w.signal("2001:db8::30", seconds: 5))
        w.clock.advance(seconds: 60)
        try b.flush()
        let now = w.clock.now
        func sources(_ query: SignalQuery) throws -> [String] {
            try b.readSignals(query, now: now).map(\.source)
        }
        let checks: [(String, SignalQuery, [String])] = [
            ("scenario", SignalQuery(scenario: "crowdsecurity/http-probing"), ["192.0.2.20"]),
            ("an address inside a range ban", SignalQuery(containing: try .parseIP("198.51.100.7")), ["192.0.2.20"]),
            ("an address banned itself", SignalQuery(containing: try .parseIP("192.0.2.30")), ["192.0.2.30"]),
            ("bans within 192.0.2.0/24", SignalQuery(within: try .parseRange("192.0.2.0/24")), ["192.0.2.20", "192.0.2.30"]),
            ("exact target", SignalQuery(target: try .parseRange("198.51.100.0/24")), ["192.0.2.20"]),
            ("range scope", SignalQuery(scope: .range), ["192.0.2.20"]),
            ("origin and action of one ban", SignalQuery(origin: "cscli", action: "captcha"), ["192.0.2.20"]),
            ("origin of one ban, action of another", SignalQuery(origin: "cscli", action: "ban"), []),
            ("created after t0", SignalQuery(createdAfter: t0), ["2001:db8::30", "192.0.2.20"]),
            ("created before t0 + 20s", SignalQuery(createdBefore: t0 + 20 * second), ["192.0.2.20", "192.0.2.30"]),
            ("a live ban", SignalQuery(activeOnly: true), ["192.0.2.20", "192.0.2.30"]),
        ]
        for (what, query, expected) in checks {
            let got = try sources(query)
            try w.expect(got == expected, "read_signals by \(what) gave the signals of \(got), expected \(expected)")
        }
    }

    static func historyDeleteSignalEndsItsBans(_ w: World) throws {
        let b = try w.instance()
        guard b.offersHistory else { return }
        try b.insert(try w.signal("192.0.2.40", seconds: 3600))
        try b.insert(try richSignal(w))
        try b.flush()
        var mirror = FeedMirror()
        if b.offersChanges { try mirror.sync(b) }
        let t0 = w.clock.now
        w.clock.advance(seconds: 30)
        let doomed = try b.readSignals(SignalQuery(scenario: "crowdsecurity/http-probing"), now: w.clock.now)
        try w.expect(doomed.count == 1, "read_signals by scenario found \(doomed.count) signals, expected 1")
        try w.expect(try b.deleteSignal(id: doomed[0].id) == 1, "delete_signal of a stored signal must return 1")
        try w.expect(try b.deleteSignal(id: doomed[0].id) == 0, "delete_signal of a deleted signal must return 0")
        try w.expect(try b.deleteSignal(id: 999_999) == 0, "delete_signal of an unknown id must return 0")
        try b.flush()
        try w.expect(try w.targets(b) == ["192.0.2.40"], "after delete_signal its bans must no longer be active")
        try w.expect(try w.targets(b, at: t0) == ["192.0.2.20", "192.0.2.40", "198.51.100.0/24"],
                     "read_at before delete_signal must still list its bans")
        let left = try b.readSignals(SignalQuery(), now: w.clock.now).map(\.source)
        try w.expect(left == ["192.0.2.40"], "read_signals must no longer list a deleted signal, listed \(left)")
        let count = try b.targetHistory(try .parseIP("198.51.100.7"), sinceNs: nil, now: w.clock.now)
        try w.expect(count.banCount == 0, "target_history must not count the bans of a deleted signal, counted \(count.banCount)")
        if b.offersChanges {
            let read = try mirror.sync(b)
            let ended = read.changes.compactMap { change -> Int64? in
                if case .ended(let id, let at) = change, at == w.clock.now { return id }
                return nil
            }.sorted()
            try w.expect(ended == doomed[0].bans.map(\.id),
                         "the feed must report each ban delete_signal ended as one ended change, reported \(read.changes)")
            try w.expectAgrees(mirror, b, after: "delete_signal")
        }
    }

    static func historyDeleteBanEndsOneBan(_ w: World) throws {
        let b = try w.instance()
        guard b.offersHistory else { return }
        try b.insert(try richSignal(w))
        try b.flush()
        var mirror = FeedMirror()
        if b.offersChanges { try mirror.sync(b) }
        w.clock.advance(seconds: 30)
        let signal = try b.readSignals(SignalQuery(), now: w.clock.now)[0]
        let range = signal.bans[1]
        try w.expect(try b.deleteBan(id: range.id) == 1, "delete_ban of a live ban must return 1")
        try w.expect(try b.deleteBan(id: range.id) == 0, "delete_ban of an ended ban must return 0")
        try w.expect(try b.deleteBan(id: 999_999) == 0, "delete_ban of an unknown id must return 0")
        try w.expect(try w.targets(b) == ["192.0.2.20"], "delete_ban must end that ban alone")
        let after = try b.readSignals(SignalQuery(id: signal.id), now: w.clock.now)
        try w.expect(after.first?.bans.map(\.endedNs) == [nil, w.clock.now],
                     "after delete_ban the signal must stay listed with that ban ended now, got \(after)")
        try w.expect(try b.readSignals(SignalQuery(activeOnly: true, limit: 5), now: w.clock.now).count == 1,
                     "a signal with one ban still live must stay among the active ones")
        if b.offersChanges {
            let read = try mirror.sync(b)
            try w.expect(read.changes == [.ended(id: range.id, atNs: w.clock.now)],
                         "the feed must report delete_ban as one ended change, reported \(read.changes)")
        }
    }

    static func historyShowsHowBansEnded(_ w: World) throws {
        let b = try w.instance()
        guard b.offersHistory else { return }
        try b.insert(try w.signal("192.0.2.50", seconds: 3600))
        try b.insert(try w.signal("192.0.2.51", seconds: 3600))
        try b.insert(try w.signal("192.0.2.52", seconds: 10))
        w.clock.advance(seconds: 20)
        try b.insert(try w.signal("192.0.2.50", seconds: 3600, reason: "again"))
        w.clock.advance(seconds: 20)
        let deletedAt = w.clock.now
        try w.expect(try b.delete(target: "192.0.2.51") == 1, "delete of a live ban must return 1")
        try b.flush()
        let ends = try b.readSignals(SignalQuery(), now: w.clock.now).map { "\($0.source) \($0.bans[0].endedNs ?? 0)" }
        try w.expect(ends == ["192.0.2.50 0", "192.0.2.52 0", "192.0.2.51 \(deletedAt)", "192.0.2.50 0"],
                     "read_signals gave ends \(ends); a second ban of a target ends none (STACKED BANS), a deleted "
                     + "one ends at the delete, one merely past its until has not ended")
        let active = try b.readSignals(SignalQuery(activeOnly: true), now: w.clock.now).map(\.source)
        try w.expect(active == ["192.0.2.50", "192.0.2.50"],
                     "both bans of 192.0.2.50 are live, read_signals active_only gave \(active)")
    }
}
