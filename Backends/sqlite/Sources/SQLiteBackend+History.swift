import CSQLite
import WardenBackendKit

/// `warden.history/1` on SQLite: every answer is a few indexed queries (see
/// ``HistoryQueries``), on the instance's connection, so it sees the instance's own
/// uncommitted inserts.
extension SQLiteBackend {
    func targetHistory(_ query: HistoryQuery) throws -> HistoryCounts {
        try withDatabase("target_history") { db in
            let statement = try db.statement(.targetHistory)
            defer { statement.reset() }
            statement.bind(query.nowNs, at: 1)
            statement.bind(blob: bytes(query.rangeStart), at: 2)
            statement.bind(blob: bytes(query.rangeEnd), at: 3)
            statement.bind(query.sinceNs, at: 4)
            guard try statement.step() else { return HistoryCounts() }
            return HistoryCounts(
                banCount: statement.int64(0), activeCount: statement.int64(1), activeUntilNs: statement.int64(2))
        }
    }

    func readSignals(_ selection: SignalSelection, into sink: (StoredSignal) -> Bool) throws {
        try withDatabase("read_signals") { db in
            let sql = HistoryQueries.signalIDs(
                signalID: selection.signalID != nil, banID: selection.banID != nil, scope: selection.scope != nil,
                target: selection.target != nil, origin: selection.origin != nil, action: selection.action != nil,
                contains: selection.rangeMatch == .contains, within: selection.rangeMatch == .within,
                scenario: selection.scenario != nil, since: selection.sinceNs != .min, until: selection.untilNs != .max,
                activeOnly: selection.activeOnly, limit: selection.limit != nil)
            // Prepared per call: its text depends on the filters set, and listings are rare.
            let ids = try SQLiteStatement(connection: db, sql: sql, persistent: false)
            defer { ids.finalize() }
            ids.bind(selection.nowNs, at: 1)
            if let id = selection.signalID { ids.bind(id, at: 2) }
            if let id = selection.banID { ids.bind(id, at: 3) }
            if let scope = selection.scope { ids.bind(Int64(scope.rawValue), at: 4) }
            if let target = selection.target { ids.bind(target, at: 5) }
            if let origin = selection.origin { ids.bind(origin, at: 6) }
            if let action = selection.action { ids.bind(action, at: 7) }
            if selection.rangeMatch != nil {
                ids.bind(blob: bytes(selection.rangeStart), at: 8)
                ids.bind(blob: bytes(selection.rangeEnd), at: 9)
            }
            if let scenario = selection.scenario { ids.bind(scenario, at: 10) }
            if selection.sinceNs != .min { ids.bind(selection.sinceNs, at: 11) }
            if selection.untilNs != .max { ids.bind(selection.untilNs, at: 12) }
            if let limit = selection.limit { ids.bind(Int64(limit), at: 13) }
            var found: [Int64] = []
            while try ids.step() { found.append(ids.int64(0)) }
            for id in found {
                guard let stored = try signal(id, db) else { continue }
                if !sink(stored) { return }
            }
        }
    }

    /// Signal `id` with all its bans, events and labels; nil if it has no ban left.
    private func signal(_ id: Int64, _ db: SQLiteConnection) throws -> StoredSignal? {
        let rows = try db.statement(.signalBans)
        defer { rows.reset() }
        rows.bind(id, at: 1)
        var bans: [SignalBan] = [], banIDs: [Int64] = [], ends: [Int64?] = []
        var signal: Signal?
        while try rows.step() {
            bans.append(SignalBan(
                scope: BanScope(rawValue: UInt32(truncatingIfNeeded: rows.int64(1))) ?? .ip, target: rows.string(2),
                rangeStart: rows.number(3), rangeEnd: rows.number(4), origin: rows.string(5), action: rows.string(6),
                reason: rows.string(7), scenario: rows.string(8), country: rows.string(9), asName: rows.string(10),
                asNumber: rows.int64(11), untilNs: rows.int64(12)))
            banIDs.append(rows.int64(0))
            let ended = rows.int64(21)
            ends.append(ended == Int64.max ? nil : ended)
            if signal == nil {
                signal = Signal(
                    scenario: rows.string(14), message: rows.string(15), source: rows.string(16),
                    eventsCount: rows.int64(17), startNs: rows.int64(18), stopNs: rows.int64(19),
                    createdNs: rows.int64(13), simulated: rows.int64(20) != 0, bans: [])
            }
        }
        guard var signal else { return nil }
        signal.bans = bans
        let events = try db.statement(.signalEvents)
        defer { events.reset() }
        events.bind(id, at: 1)
        while try events.step() {
            signal.events.append(SignalEvent(timeNs: events.int64(0), source: events.string(1), serialized: events.string(2)))
        }
        let labels = try db.statement(.signalLabels)
        defer { labels.reset() }
        labels.bind(id, at: 1)
        while try labels.step() { signal.labels[labels.string(0)] = labels.string(1) }
        return StoredSignal(id: id, signal: signal, banIDs: banIDs, banEndedNs: ends)
    }

    func deleteSignal(id: Int64) throws -> Int {
        try withDatabase("delete_signal") { db in
            try beginIfNeeded(db)
            try logAdded(db)
            let exists = try db.statement(.signalExists)
            exists.bind(id, at: 1)
            guard try exists.scalar() > 0 else { return 0 }
            let now = host.now()
            let banIDs = try db.statement(.signalBanIDs)
            banIDs.bind(id, at: 1)
            var ids: [Int64] = []
            while try banIDs.step() { ids.append(banIDs.int64(0)) }
            banIDs.reset()
            for ban in ids { _ = try endBan(ban, now: now, db) }
            let hide = try db.statement(.hideSignal)
            hide.bind(id, at: 1)
            hide.bind(now, at: 2)
            try hide.run()
            return 1
        }
    }

    func deleteBan(id: Int64) throws -> Int {
        try withDatabase("delete_ban") { db in
            try beginIfNeeded(db)
            try logAdded(db)
            return try endBan(id, now: host.now(), db)
        }
    }

    /// Ends ban `id` at `now` if it is live, logging the end for the feed; how many it ended.
    private func endBan(_ id: Int64, now: Int64, _ db: SQLiteConnection) throws -> Int {
        let end = try db.statement(.endBan)
        end.bind(now, at: 1)
        end.bind(id, at: 2)
        try end.run()
        guard db.changes > 0 else { return 0 }
        let log = try db.statement(.logEndedBan)
        log.bind(now, at: 1)
        log.bind(id, at: 2)
        try log.run()
        return 1
    }

    private func bytes(_ number: UInt128) -> [UInt8] {
        (0..<16).map { UInt8(truncatingIfNeeded: number >> UInt128(8 * (15 - $0))) }
    }
}
