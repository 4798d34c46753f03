/// Every SQL statement the backend runs; values are always bound, never spliced.
/// Each case is prepared once per connection (see ``SQLiteConnection/statement(_:)``).
enum Query: Int, CaseIterable {
    case begin, commit, userVersion, insertBan, insertEvent, activeAt, endTarget, countLive, endAll, expire
    case countRows, purgeOldest, purgeOlderThan, purgeOrphanEvents

    var sql: String {
        switch self {
        case .begin: "BEGIN IMMEDIATE"
        case .commit: "COMMIT"
        case .userVersion: "PRAGMA user_version"
        case .insertBan: Queries.insertBan
        case .insertEvent: Queries.insertEvent
        case .activeAt: Queries.activeAt
        case .endTarget: Queries.endTarget
        case .countLive: Queries.countLive
        case .endAll: Queries.endAll
        case .expire: Queries.expire
        case .countRows: Queries.countRows
        case .purgeOldest: Queries.purgeOldest
        case .purgeOlderThan: Queries.purgeOlderThan
        case .purgeOrphanEvents: Queries.purgeOrphanEvents
        }
    }
}

/// The SQL text of each ``Query``.
enum Queries {
    static let insertBan = """
        INSERT INTO bans(signal_id, target, scope, range_start, range_end, origin, action, reason, scenario, country,
            as_name, as_number, until_ns, created_ns, signal_scenario, signal_message, signal_source, events_count,
            start_ns, stop_ns, simulated)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
        """

    static let insertEvent = "INSERT INTO events(signal_id, time_ns, source, serialized) VALUES (?1, ?2, ?3, ?4)"

    static let watermark = "(SELECT value FROM state WHERE key = 'ended_through')"

    /// Newest row per target with the target's history counts; live rows active at ?1.
    static let activeAt = """
        SELECT b.id, b.scope, b.target, b.origin, b.action, b.reason, b.scenario, b.country, b.as_name, b.as_number,
            b.until_ns, b.created_ns, g.n, g.ev
        FROM (SELECT MAX(id) AS id, COUNT(*) AS n, SUM(events_count) AS ev FROM bans GROUP BY target) AS g
        JOIN bans AS b ON b.id = g.id
        WHERE b.until_ns > ?1 AND b.ended_ns IS NULL AND b.id > \(watermark)
        """

    /// Ends the live ban of target ?2 at ?1.
    static let endTarget = """
        UPDATE bans SET ended_ns = ?1
        WHERE id = (SELECT MAX(id) FROM bans WHERE target = ?2) AND ended_ns IS NULL AND id > \(watermark)
        """

    /// How many targets have a live (newest, not ended) ban: targets with a row above the
    /// watermark (an index-only scan), minus those whose newest row is ended (found
    /// through the partial index of ended rows, which inserts never touch).
    static let countLive = """
        SELECT (SELECT COUNT(*) FROM (SELECT target FROM bans INDEXED BY bans_target WHERE id > \(watermark)
                GROUP BY target))
             - (SELECT COUNT(*) FROM bans AS b INDEXED BY bans_ended
                WHERE b.ended_ns IS NOT NULL AND b.id > \(watermark)
                  AND b.id = (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target))
        """

    /// Moves the watermark past every row: all bans so far are ended.
    static let endAll = "UPDATE state SET value = (SELECT IFNULL(MAX(id), 0) FROM bans) WHERE key = 'ended_through'"

    /// Ends live bans whose until passed (at ?1), looking only at untils after ?2.
    static let expire = """
        UPDATE bans SET ended_ns = ?1
        WHERE until_ns <= ?1 AND until_ns > ?2 AND ended_ns IS NULL AND id > \(watermark)
          AND id = (SELECT MAX(id) FROM bans AS l WHERE l.target = bans.target)
        """

    /// A row that is not a live ban at ?1 (ended, replaced, expired or below the watermark).
    private static let isHistory = """
        (b.ended_ns IS NOT NULL OR b.until_ns <= ?1 OR b.id <= \(watermark)
         OR b.id < (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target))
        """

    static let countRows = "SELECT COUNT(*) FROM bans"

    /// Purges the ?2 oldest history rows (oldest first keeps replacement order safe).
    static let purgeOldest = """
        DELETE FROM bans WHERE id IN (SELECT b.id FROM bans AS b WHERE \(isHistory) ORDER BY b.id LIMIT ?2)
        """

    /// Purges history rows created before ?2: rows up to the newest one created before it.
    static let purgeOlderThan = """
        DELETE FROM bans WHERE id IN (SELECT b.id FROM bans AS b
            WHERE b.id <= (SELECT IFNULL(MAX(id), 0) FROM bans WHERE created_ns < ?2) AND \(isHistory))
        """

    /// Events whose signal has no ban left.
    static let purgeOrphanEvents = "DELETE FROM events WHERE signal_id NOT IN (SELECT IFNULL(signal_id, id) FROM bans)"
}
