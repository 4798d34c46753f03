import WardenBackendKit

/// `warden.history/1` on PostgreSQL (see ``PostgreSQLHistory``). Each member first sends
/// the instance's batch, so it sees the instance's own inserts.
extension PostgreSQLBackend {
    func targetHistory(_ query: HistoryQuery) throws -> HistoryCounts {
        try lock.withLock {
            try commitBatch()
            return try withConnection("target_history") { db in
                var counts = HistoryCounts()
                try db.query(PostgreSQLHistory.targetHistory(query)) { row in
                    counts = HistoryCounts(banCount: row.int(0), activeCount: row.int(1), activeUntilNs: row.int(2))
                    return false
                }
                return counts
            }
        }
    }

    func readSignals(_ selection: SignalSelection, into sink: (StoredSignal) -> Bool) throws {
        let found: [StoredSignal] = try lock.withLock {
            try commitBatch()
            return try withConnection("read_signals") { db in
                var ids: [(id: Int64, uid: Int64)] = []
                try db.query(PostgreSQLHistory.signalIDs(selection), PostgreSQLHistory.selectionValues(selection)) { row in
                    ids.append((row.int(0), row.int(1)))
                    return true
                }
                return try ids.compactMap { try signal($0.id, uid: $0.uid, db) }
            }
        }
        for stored in found where !sink(stored) { break }
    }

    /// Signal `id` (uid `uid`) with its bans, events and labels; nil when it has no ban left.
    private func signal(_ id: Int64, uid: Int64, _ db: PostgreSQLConnection) throws -> StoredSignal? {
        var bans: [SignalBan] = [], banIDs: [Int64] = [], ends: [Int64?] = []
        var signal: Signal?
        try db.query(PostgreSQLHistory.signalBans(uid: uid)) { r in
            bans.append(SignalBan(
                scope: BanScope(rawValue: UInt32(truncatingIfNeeded: r.int(1))) ?? .ip, target: r.string(2),
                rangeStart: r.number(3), rangeEnd: r.number(4), origin: r.string(5), action: r.string(6), reason: r.string(7),
                scenario: r.string(8), country: r.string(9), asName: r.string(10), asNumber: r.int(11), untilNs: r.int(12)))
            banIDs.append(r.int(0))
            ends.append(r.int(21) == Int64.max ? nil : r.int(21))
            if signal == nil {
                signal = Signal(
                    scenario: r.string(14), message: r.string(15), source: r.string(16), eventsCount: r.int(17),
                    startNs: r.int(18), stopNs: r.int(19), createdNs: r.int(13), simulated: r.int(20) != 0, bans: [])
            }
            return true
        }
        guard var signal else { return nil }
        signal.bans = bans
        try db.query(PostgreSQLHistory.signalEvents(uid: uid)) { r in
            signal.events.append(SignalEvent(timeNs: r.int(0), source: r.string(1), serialized: r.string(2)))
            return true
        }
        try db.query(PostgreSQLHistory.signalLabels(uid: uid)) { r in
            signal.labels[r.string(0)] = r.string(1)
            return true
        }
        return StoredSignal(id: id, signal: signal, banIDs: banIDs, banEndedNs: ends)
    }

    func deleteSignal(id: Int64) throws -> Int {
        try lock.withLock {
            try commitBatch()
            let now = host.now()
            return try withConnection("delete_signal") { db in
                try transaction(db) {
                    try db.execute(PostgreSQLFeed.lock)
                    guard let uid = try db.integers(PostgreSQLHistory.signalUID(id)).first else { return 0 }
                    try end(try db.integers(PostgreSQLHistory.liveBans(uid: uid, now: now)), now: now, db)
                    try db.execute(PostgreSQLHistory.hide(uid: uid, now: now))
                    return 1
                }
            }
        }
    }

    func deleteBan(id: Int64) throws -> Int {
        try lock.withLock {
            try commitBatch()
            let now = host.now()
            return try withConnection("delete_ban") { db in
                try transaction(db) {
                    try db.execute(PostgreSQLFeed.lock)
                    let ids = try db.integers(PostgreSQLHistory.liveBan(id, now: now))
                    try end(ids, now: now, db)
                    return ids.count
                }
            }
        }
    }
}
