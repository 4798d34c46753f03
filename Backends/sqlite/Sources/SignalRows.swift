import CSQLite
import CWardenBackend
import WardenBackendKit

/// How a signal becomes rows: one `bans` row per ban (the first one names the signal,
/// the others point at it through `signal_id`), then one `events` row per event and
/// one `labels` row per label.
enum SignalRows {
    /// Inserts the rows of `signal` in the open transaction; the caller makes it atomic.
    /// Returns the id of its first ban (nil when it has none).
    @discardableResult
    static func write(_ signal: RawSignal, to db: SQLiteConnection) throws -> Int64? {
        let s = signal.fields
        let statement = try db.statement(.insertBan)
        var firstID: Int64?
        for ban in signal.bans {
            if let firstID { statement.bind(firstID, at: 1) } else { statement.bindNull(at: 1) }
            statement.bind(borrowed: ban.target.bytes, at: 2)
            statement.bind(Int64(ban.scope), at: 3)
            // Both scopes keep their addresses: warden.history/1 finds containment by index.
            statement.bind(blob: withUnsafeBytes(of: ban.range_start) { Array($0) }, at: 4)
            statement.bind(blob: withUnsafeBytes(of: ban.range_end) { Array($0) }, at: 5)
            statement.bind(borrowed: ban.origin.bytes, at: 6)
            statement.bind(borrowed: ban.action.bytes, at: 7)
            statement.bind(borrowed: ban.reason.bytes, at: 8)
            statement.bind(borrowed: ban.scenario.bytes, at: 9)
            statement.bind(borrowed: ban.country.bytes, at: 10)
            statement.bind(borrowed: ban.as_name.bytes, at: 11)
            statement.bind(ban.as_number, at: 12)
            statement.bind(ban.until_ns, at: 13)
            statement.bind(s.created_ns, at: 14)
            // The signal's fields are NULL when they repeat the ban's (see Schema).
            bindUnlessEqual(statement, s.scenario, ban.scenario, at: 15)
            statement.bind(borrowed: s.message.bytes, at: 16)
            bindUnlessEqual(statement, s.source, ban.target, at: 17)
            statement.bind(s.events_count, at: 18)
            if s.start_ns == s.created_ns { statement.bindNull(at: 19) } else { statement.bind(s.start_ns, at: 19) }
            if s.stop_ns == s.created_ns { statement.bindNull(at: 20) } else { statement.bind(s.stop_ns, at: 20) }
            statement.bind(Int64(s.simulated), at: 21)
            try statement.run()
            if firstID == nil { firstID = sqlite3_last_insert_rowid(db.handle) }
        }
        if let firstID, !signal.events.isEmpty {
            let events = try db.statement(.insertEvent)
            for event in signal.events {
                events.bind(firstID, at: 1)
                events.bind(event.time_ns, at: 2)
                events.bind(borrowed: event.source.bytes, at: 3)
                events.bind(borrowed: event.serialized.bytes, at: 4)
                try events.run()
            }
        }
        if let firstID, s.labels.count > 0 {
            let labels = try db.statement(.insertLabel)
            for i in 0..<s.labels.count {  // warden_kv_t is frozen: indexed as usual
                labels.bind(firstID, at: 1)
                labels.bind(borrowed: s.labels.items[i].key.bytes, at: 2)
                labels.bind(borrowed: s.labels.items[i].value.bytes, at: 3)
                try labels.run()
            }
        }
        return firstID
    }

    /// Binds `value`, or NULL when it repeats `same` (the column it would copy).
    private static func bindUnlessEqual(_ statement: SQLiteStatement, _ value: warden_str_t, _ same: warden_str_t, at index: Int32) {
        if value.hasSameBytes(as: same) {
            statement.bindNull(at: index)
        } else {
            statement.bind(borrowed: value.bytes, at: index)
        }
    }
}
