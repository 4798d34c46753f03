import Glibc
import CWardenBackend
import Synchronization
import WardenBackendHost
import WardenModel

/// The promises of the `warden.changes/1` extension (`warden_backend.h`): each
/// check returns at once when the backend does not offer it. Every one follows a
/// ``FeedMirror`` (a reader that applies the feed and nothing else) and compares
/// it with `read_at`, besides its own expectations.
extension Checks {

    static func feedSnapshotListsLiveBans(_ w: World) throws {
        let b = try w.instance()
        guard b.offersChanges else { return }
        for t in ["192.0.2.100", "192.0.2.101"] { try b.insert(try w.signal(t, seconds: 3600)) }
        try b.insert(try w.signal("192.0.2.102", seconds: -5))
        try b.flush()
        _ = try b.delete(target: "192.0.2.101")
        try b.insert(try w.signal("2001:db8::100", seconds: 3600, reason: "not flushed yet"))
        var mirror = FeedMirror()
        let snapshot = try mirror.sync(b)
        let targets = snapshot.changes.compactMap { change -> String? in
            if case .added(let ban) = change { return ban.target }
            return nil
        }.sorted()
        try w.expect(snapshot.changes.count == targets.count,
                     "a snapshot (cursor 0) must hold only added changes, got \(snapshot.changes)")
        try w.expect(targets == ["192.0.2.100", "2001:db8::100"],
                     "a snapshot must list the bans live now, the instance's own unflushed one included; got \(targets)")
        try w.expect(snapshot.cursor > 0, "a snapshot must return a cursor > 0, got \(snapshot.cursor)")
        try w.expectAgrees(mirror, b, after: "a snapshot")
    }

    static func feedReportsAddsAndDeletes(_ w: World) throws {
        let b = try w.instance()
        guard b.offersChanges else { return }
        var mirror = FeedMirror()
        try mirror.sync(b)
        try b.insert(try w.signal("192.0.2.110", seconds: 3600, events: 3))
        try b.insert(try w.signal("2001:db8::110", seconds: 600))
        try b.flush()
        let adds = try mirror.sync(b)
        let added = adds.changes.compactMap { change -> Ban? in
            if case .added(let ban) = change { return ban }
            return nil
        }
        try w.expect(adds.changes.count == 2 && added.map(\.target) == ["192.0.2.110", "2001:db8::110"],
                     "two inserts must come as two added changes, in order; got \(adds.changes)")
        let first = added[0]
        try w.expect(first.reason == "ssh bruteforce" && first.scenario == "crowdsecurity/ssh-bf" && first.country == "FR"
                     && first.untilNs == w.clock.now + 3_600_000_000_000 && first.createdNs == w.clock.now
                     && first.banCount == 1 && first.eventsCount == 3,
                     "an added change must carry the row as read_at lists it, got \(first)")
        try w.expectAgrees(mirror, b, after: "two inserts")
        let idle = try mirror.sync(b)
        try w.expect(idle.changes.isEmpty, "nothing changed, yet the feed reported \(idle.changes)")
        try w.expect(idle.cursor == adds.cursor, "nothing changed, yet the cursor moved from \(adds.cursor) to \(idle.cursor)")
        w.clock.advance(seconds: 5)
        try w.expect(try b.delete(target: "192.0.2.110") == 1, "delete of a live ban must return 1")
        try b.flush()
        let deletes = try mirror.sync(b)
        try w.expect(deletes.changes == [.ended(id: first.id, atNs: w.clock.now)],
                     "a delete_target must come as one ended change of ban \(first.id) at the host's now; got \(deletes.changes)")
        try w.expectAgrees(mirror, b, after: "a delete_target")
    }

    static func feedReportsStackedBan(_ w: World) throws {
        let b = try w.instance()
        guard b.offersChanges else { return }
        var mirror = FeedMirror()
        try b.insert(try w.signal("192.0.2.120", seconds: 3600, reason: "first"))
        try b.flush()
        try mirror.sync(b)
        let old = try b.read(at: w.clock.now)[0]
        w.clock.advance(seconds: 60)
        try b.insert(try w.signal("192.0.2.120", seconds: 60, reason: "second"))
        try b.flush()
        let read = try mirror.sync(b)
        let added = read.changes.compactMap { change -> Ban? in
            if case .added(let ban) = change { return ban }
            return nil
        }
        try w.expect(read.changes.count == 1 && added.map(\.reason) == ["second"] && added[0].id > old.id,
                     "a second ban of a target must come as its added change alone, got \(read.changes)")
        try w.expectAgrees(mirror, b, after: "a second ban of a target")
        w.clock.advance(seconds: 120)
        try w.expectAgrees(mirror, b, after: "the shorter second ban expired")
    }

    static func feedIgnoresExpirySweep(_ w: World) throws {
        let b = try w.instance(flush: true)
        guard b.offersChanges else { return }
        try b.insert(try w.signal("192.0.2.130", seconds: 10))
        try b.insert(try w.signal("192.0.2.131", seconds: 3600))
        try b.flush()
        var mirror = FeedMirror()
        try mirror.sync(b)
        w.clock.advance(seconds: 20)
        guard let report = try b.runMaintenance(now: w.clock.now) else { return }  // no maintenance to sweep
        try w.expect(report.expired == 1, "maintenance must expire the ended ban, expired \(report.expired)")
        let read = try mirror.sync(b)
        try w.expect(read.changes.isEmpty, "the expiry sweep is not a change, yet the feed reported \(read.changes)")
        try w.expectAgrees(mirror, b, after: "an expiry sweep")
    }

    static func feedReportsDeleteAll(_ w: World) throws {
        let b = try w.instance()
        guard b.offersChanges else { return }
        for t in ["192.0.2.140", "192.0.2.141", "2001:db8::140"] { try b.insert(try w.signal(t, seconds: 3600)) }
        try b.flush()
        var mirror = FeedMirror()
        try mirror.sync(b)
        w.clock.advance(seconds: 1)
        try w.expect(try b.deleteAll() == 3, "delete_all must end the three live bans")
        try b.flush()
        let read = try mirror.sync(b)
        try w.expect(!read.changes.isEmpty && read.changes.count <= 3,
                     "delete_all of 3 bans must come as one ended-through change or 3 ended ones, got \(read.changes)")
        try w.expectAgrees(mirror, b, after: "delete_all")
        try b.insert(try w.signal("192.0.2.140", seconds: 3600, reason: "after delete_all"))
        try b.flush()
        try mirror.sync(b)
        try w.expectAgrees(mirror, b, after: "an insert after delete_all")
    }

    static func feedReachesSecondInstance(_ w: World) throws {
        let a = try w.instance(), b = try w.instance()
        guard b.offersChanges else { return }
        var mirror = FeedMirror()
        try mirror.sync(b)
        try a.insert(try w.signal("192.0.2.150", seconds: 3600))
        try a.insert(try w.signal("192.0.2.151", seconds: 3600))
        try a.flush()
        let adds = try mirror.sync(b)
        try w.expect(adds.changes.count == 2, "a second instance must see the first one's flushed inserts, got \(adds.changes)")
        try w.expectAgrees(mirror, a, after: "another instance's inserts")
        w.clock.advance(seconds: 1)
        _ = try a.delete(target: "192.0.2.150")
        try a.insert(try w.signal("192.0.2.151", seconds: 3600, reason: "again"))
        try a.flush()
        let ends = try mirror.sync(b)
        try w.expect(ends.changes.count >= 2,
                     "a delete and a second ban of a target by another instance must reach a second one, got \(ends.changes)")
        try w.expectAgrees(mirror, a, after: "another instance's delete and second ban of a target")
        var fresh = FeedMirror()
        try fresh.sync(try w.instance())
        try w.expect(fresh.live(now: w.clock.now) == mirror.live(now: w.clock.now),
                     "a third instance's snapshot holds \(fresh.live(now: w.clock.now)), the second one's feed "
                         + "\(mirror.live(now: w.clock.now))")
    }

    static func feedCursorGrows(_ w: World) throws {
        let a = try w.instance(), b = try w.instance()
        guard a.offersChanges else { return }
        guard let empty = try a.changes(since: 0) else { return }
        try a.insert(try w.signal("192.0.2.160", seconds: 3600))
        try a.flush()
        let first = try a.changes(since: empty.cursor)!
        try w.expect(first.cursor > empty.cursor,
                     "a change must move the cursor forward: \(empty.cursor) before it, \(first.cursor) after")
        let onB = try b.changes(since: first.cursor)!
        try w.expect(onB.changes.isEmpty && onB.cursor == first.cursor,
                     "a cursor is valid on every instance of the storage: from \(first.cursor) another instance "
                         + "reported \(onB.changes) and cursor \(onB.cursor)")
        let snapshot = try b.changes(since: 0)!
        try w.expect(snapshot.cursor >= first.cursor,
                     "a later call never returns a smaller cursor: a snapshot returned \(snapshot.cursor) after \(first.cursor)")
        _ = try b.delete(target: "192.0.2.160")
        try b.flush()
        let second = try a.changes(since: first.cursor)!
        try w.expect(second.cursor > first.cursor,
                     "another instance's delete must move the cursor forward: \(first.cursor), then \(second.cursor)")
    }

    static func feedRefusesStaleCursor(_ w: World) throws {
        let b = try w.instance()
        guard let snapshot = try b.changes(since: 0) else { return }
        let unknown = snapshot.cursor + 1_000_000
        do {
            let read = try b.changes(since: unknown)
            throw ConformanceFailure(
                description: "cursor \(unknown), beyond any position issued, must be WARDEN_E_STALE_CURSOR; "
                    + "got \(read.map { "\($0.changes.count) change(s), cursor \($0.cursor)" } ?? "nothing")")
        } catch let error as BackendCallError {
            try w.expect(error.isStaleCursor && !error.message.isEmpty,
                         "a cursor beyond any position issued must be WARDEN_E_STALE_CURSOR with a message, got \(error)")
        }
        let again = try b.changes(since: snapshot.cursor)
        try w.expect(again?.changes.isEmpty == true, "a refused cursor must leave the feed usable, got \(String(describing: again))")
    }

    static func feedForgetsOldHistory(_ w: World) throws {
        let b = try w.instance(extra: ["max_records_age": "1h"])
        guard let start = try b.changes(since: 0) else { return }
        try b.insert(try w.signal("192.0.2.170", seconds: 36_000))
        try b.flush()
        w.clock.advance(seconds: 2 * 3600)
        guard try b.runMaintenance(now: w.clock.now) != nil else { return }  // no retention, nothing forgotten
        do {
            let read = try b.changes(since: start.cursor)
            throw ConformanceFailure(
                description: "retention (max_records_age 1h) must forget the change made 2h ago and refuse the cursor "
                    + "before it with WARDEN_E_STALE_CURSOR; got \(read?.changes ?? [])")
        } catch let error as BackendCallError {
            try w.expect(error.isStaleCursor, "a cursor before forgotten history must be WARDEN_E_STALE_CURSOR, got \(error)")
        }
        var mirror = FeedMirror()
        try mirror.sync(b)
        try w.expectAgrees(mirror, b, after: "a snapshot taken after a stale cursor")
    }
}

extension Checks {
    /// Retention purges bans the reader held and bans added after its cursor: the cursor
    /// must be stale, unless the backend still reports every end (purging a ban never
    /// loses its end) and agrees with `read_at`.
    static func feedPurgeAfterCursorIsStaleOrExact(_ w: World) throws {
        let b = try w.instance(extra: ["max_records": "2"])
        guard b.offersChanges else { return }
        try b.insert(try w.signal("192.0.2.180", seconds: 3600, reason: "first"))
        try b.flush()
        var mirror = FeedMirror()
        try mirror.sync(b)
        w.clock.advance(seconds: 1)
        try b.insert(try w.signal("192.0.2.180", seconds: 3600, reason: "second"))
        try b.flush()
        w.clock.advance(seconds: 1)
        _ = try b.delete(target: "192.0.2.180")
        try b.insert(try w.signal("192.0.2.181", seconds: 3600))
        try b.insert(try w.signal("192.0.2.182", seconds: 3600))
        try b.flush()
        guard let report = try b.runMaintenance(now: w.clock.now) else { return }  // no retention
        try w.expect(report.purged == 2, "max_records 2 must purge the two ended bans, purged \(report.purged)")
        do {
            try mirror.sync(b)
            try w.expectAgrees(mirror, b, after: "a purge of a ban added after the cursor (or the cursor is stale)")
        } catch let error as BackendCallError where error.isStaleCursor {
            var fresh = FeedMirror()
            try fresh.sync(b)
            try w.expectAgrees(fresh, b, after: "a snapshot taken after a stale cursor")
        }
    }

    /// Two instances write at once (inserts, second bans of a target, deletes, each flushed) while a
    /// third follows the feed: a reader must never miss a change another writer commits
    /// later with an earlier id or position (`warden_backend.h`, SEVERAL WRITERS).
    static func feedKeepsUpWithConcurrentWriters(_ w: World) throws {
        let reader = try w.instance()
        guard reader.offersChanges else { return }
        let writers = [try w.instance(), try w.instance()]
        var start = FeedMirror()
        try start.sync(reader)
        let followed = Mutex(start)  // the reader's thread is its only user until the end
        let running = Atomic(writers.count)
        let failures = Mutex<[String]>([])
        let follow: @Sendable () -> Void = {
            do {
                while running.load(ordering: .acquiring) > 0 {
                    try followed.withLock { _ = try $0.sync(reader) }
                    // Let the writers run: under valgrind, whose threads take turns, a reader
                    // that never pauses leaves them almost no time at all.
                    usleep(1_000)
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        let writes = writers.enumerated().map { index, b -> @Sendable () -> Void in
            {
                defer { running.subtract(1, ordering: .releasing) }
                do {
                    for k in 0..<60 {
                        try b.insert(try w.signal("10.\(index).\(k).1", seconds: 3600, reason: "r\(k)"))
                        if k % 3 == 2 { try b.insert(try w.signal("10.\(index).\(k - 2).1", seconds: 3600, reason: "again")) }
                        if k % 5 == 4 { _ = try b.delete(target: "10.\(index).\(k - 1).1") }
                        try b.flush()
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        runOnJoinedThreads(writes + [follow])
        try w.expect(failures.withLock { $0.isEmpty }, "concurrent writes and reads failed: \(failures.withLock { $0 })")
        var mirror = followed.withLock { $0 }
        try mirror.sync(reader)
        try w.expectAgrees(mirror, reader, after: "two instances wrote at once")
    }
}
