/// The SQL the MySQL backend runs. Strings are always bound; the only values spliced
/// into text are integers the backend computed itself.
enum MySQLQueries {
    static let watermark = "(SELECT value FROM warden_state WHERE name = 'ended_through')"

    static let insertColumns = BanBatch.columns.map(\.name).joined(separator: ", ")
    static let rowPlaceholders = "(" + Array(repeating: "?", count: BanBatch.columns.count).joined(separator: ", ") + ")"

    /// An INSERT of `rows` rows (1 for array binding, which repeats it per bound row).
    static func insert(rows: Int) -> String {
        "INSERT INTO bans(\(insertColumns)) VALUES " + Array(repeating: rowPlaceholders, count: rows).joined(separator: ", ")
    }

    static let insertEvent = "INSERT INTO events(signal_uid, time_ns, source, serialized) VALUES (?, ?, ?, ?)"

    /// Newest row per target (a JOIN on the per-target MAX(id), never MySQL's loose GROUP BY).
    static func activeAt(_ at: Int64) -> String {
        """
        SELECT b.id, b.scope, b.target, b.origin, b.action, b.reason, b.scenario, b.country, b.as_name, b.as_number,
            b.until_ns, b.created_ns, g.n, g.ev
        FROM (SELECT MAX(id) AS id, COUNT(*) AS n, SUM(events_count) AS ev FROM bans GROUP BY target) AS g
        JOIN bans AS b ON b.id = g.id
        WHERE b.until_ns > \(at) AND b.ended_ns IS NULL AND b.id > \(watermark)
        """
    }

    /// Ends the newest row of a target (`?` = now, target). The derived table is
    /// materialized, which MySQL 8 requires to read the table it updates.
    static let endTarget = """
        UPDATE bans AS b JOIN (SELECT MAX(id) AS id FROM bans WHERE target = ?) AS m ON b.id = m.id
        SET b.ended_ns = ? WHERE b.ended_ns IS NULL AND b.id > \(watermark)
        """

    /// How many targets have a live ban: targets with a row above the watermark (read in
    /// `bans_target` order, no temporary table), minus those whose newest row is ended.
    static let countLive = """
        SELECT (SELECT COUNT(DISTINCT target) FROM bans FORCE INDEX (bans_target) WHERE id > \(watermark))
             - (SELECT COUNT(*) FROM bans AS b WHERE b.ended_ns IS NOT NULL AND b.id > \(watermark)
                AND b.id = (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target))
        """

    static let endAll = """
        UPDATE warden_state SET value = (SELECT COALESCE(MAX(id), 0) FROM bans) WHERE name = 'ended_through'
        """

    /// Ids of live newest rows whose until passed by `now`, looking at untils after `since`.
    static func expired(now: Int64, since: Int64) -> String {
        """
        SELECT b.id FROM bans AS b WHERE b.until_ns <= \(now) AND b.until_ns > \(since) AND b.ended_ns IS NULL
            AND b.id > \(watermark) AND b.id = (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target)
        """
    }

    private static func isHistory(now: Int64) -> String {
        """
        (b.ended_ns IS NOT NULL OR b.until_ns <= \(now) OR b.id <= \(watermark)
         OR b.id < (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target))
        """
    }

    /// Ids of the `limit` oldest history rows.
    static func oldestHistory(now: Int64, limit: Int) -> String {
        "SELECT b.id FROM bans AS b WHERE \(isHistory(now: now)) ORDER BY b.id LIMIT \(limit)"
    }

    /// Ids of history rows up to the newest one created before `cutoff`.
    static func historyBefore(now: Int64, cutoff: Int64) -> String {
        """
        SELECT b.id FROM bans AS b
        WHERE b.id <= (SELECT COALESCE(MAX(id), 0) FROM bans WHERE created_ns < \(cutoff)) AND \(isHistory(now: now))
        """
    }

    static let purgeOrphanEvents = "DELETE FROM events WHERE signal_uid NOT IN (SELECT signal_uid FROM bans)"
}
