import Glibc
import WardenBackendKit

/// `warden.history/1` on MySQL (see ``MySQLHistory``). Each member first sends the
/// instance's batch, so it sees the instance's own inserts.
extension MySQLBackend {
    func targetHistory(_ query: HistoryQuery) throws -> HistoryCounts {
        try lock.withLock {
            try commitBatch()
            return try withConnection("target_history") { db in
                var counts = HistoryCounts()
                try db.query(MySQLHistory.targetHistory(query)) { fields, _ in
                    func int(_ i: Int) -> Int64 { fields[i].map { strtoll($0, nil, 10) } ?? 0 }
                    counts = HistoryCounts(banCount: int(0), activeCount: int(1), activeUntilNs: int(2))
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
                try BindArena.with { arena in
                    _ = try db.statement(MySQLHistory.setStrings).execute(arena.binds(values: [
                        Array((selection.target ?? "").utf8), Array((selection.origin ?? "").utf8),
                        Array((selection.action ?? "").utf8), Array((selection.scenario ?? "").utf8),
                    ]))
                }
                var ids: [(id: Int64, uid: Int64)] = []
                try db.query(MySQLHistory.signalIDs(selection)) { fields, _ in
                    ids.append((fields[0].map { strtoll($0, nil, 10) } ?? 0, fields[1].map { strtoll($0, nil, 10) } ?? 0))
                    return true
                }
                return try ids.compactMap { try signal($0.id, uid: $0.uid, db) }
            }
        }
        for stored in found where !sink(stored) { break }
    }

    /// Signal `id` (uid `uid`) with its bans, events and labels; nil when it has no ban left.
    private func signal(_ id: Int64, uid: Int64, _ db: MySQLConnection) throws -> StoredSignal? {
        var bans: [SignalBan] = [], banIDs: [Int64] = [], ends: [Int64?] = []
        var signal: Signal?
        try db.query(MySQLHistory.signalBans(uid: uid)) { fields, lengths in
            func int(_ i: Int) -> Int64 { fields[i].map { strtoll($0, nil, 10) } ?? 0 }
            func text(_ i: Int) -> String {
                String(decoding: UnsafeRawBufferPointer(start: fields[i], count: fields[i] == nil ? 0 : Int(lengths[i])), as: UTF8.self)
            }
            func number(_ i: Int) -> UInt128 {
                UnsafeRawBufferPointer(start: fields[i], count: fields[i] == nil ? 0 : Int(lengths[i])).reduce(0) { $0 << 8 | UInt128($1) }
            }
            bans.append(SignalBan(
                scope: BanScope(rawValue: UInt32(truncatingIfNeeded: int(1))) ?? .ip, target: text(2),
                rangeStart: number(3), rangeEnd: number(4), origin: text(5), action: text(6), reason: text(7),
                scenario: text(8), country: text(9), asName: text(10), asNumber: int(11), untilNs: int(12)))
            banIDs.append(int(0))
            ends.append(int(21) == Int64.max ? nil : int(21))
            if signal == nil {
                signal = Signal(
                    scenario: text(14), message: text(15), source: text(16), eventsCount: int(17), startNs: int(18),
                    stopNs: int(19), createdNs: int(13), simulated: int(20) != 0, bans: [])
            }
            return true
        }
        guard var signal else { return nil }
        signal.bans = bans
        try db.query(MySQLHistory.signalEvents(uid: uid)) { fields, lengths in
            func text(_ i: Int) -> String {
                String(decoding: UnsafeRawBufferPointer(start: fields[i], count: fields[i] == nil ? 0 : Int(lengths[i])), as: UTF8.self)
            }
            signal.events.append(SignalEvent(
                timeNs: fields[0].map { strtoll($0, nil, 10) } ?? 0, source: text(1), serialized: text(2)))
            return true
        }
        try db.query(MySQLHistory.signalLabels(uid: uid)) { fields, lengths in
            func text(_ i: Int) -> String {
                String(decoding: UnsafeRawBufferPointer(start: fields[i], count: fields[i] == nil ? 0 : Int(lengths[i])), as: UTF8.self)
            }
            signal.labels[text(0)] = text(1)
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
                    try db.execute(MySQLFeed.lock)
                    guard let uid = try db.integers(MySQLHistory.signalUID(id)).first else { return 0 }
                    try end(try db.integers(MySQLHistory.liveBans(uid: uid, now: now)), now: now, db)
                    try db.execute(MySQLHistory.hide(uid: uid, now: now))
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
                    try db.execute(MySQLFeed.lock)
                    let ids = try db.integers(MySQLHistory.liveBan(id, now: now))
                    try end(ids, now: now, db)
                    return ids.count
                }
            }
        }
    }

    /// Ends bans `ids` at `now`, one feed change each, in the caller's transaction.
    func end(_ ids: [Int64], now: Int64, _ db: MySQLConnection) throws {
        guard !ids.isEmpty else { return }
        try db.execute("UPDATE bans SET ended_ns = \(now) WHERE id IN (\(ids.map(String.init).joined(separator: ",")))")
        try db.execute(MySQLHistory.logEnded(ids, now: now))
    }
}
