/// The SQL the MySQL backend runs. Strings are always bound; the only values spliced
/// into text are integers the backend computed itself.
enum MySQLQueries {
    /// The highest id `delete_all` had ended at or before `at`.
    static func endedThrough(at: Int64) -> String {
        "(SELECT COALESCE(MAX(through_id), 0) FROM warden_ended_through WHERE at_ns <= \(at))"
    }

    /// The highest id `delete_all` ever ended: rows at or below it are history.
    static let endedThrough = "(SELECT COALESCE(MAX(through_id), 0) FROM warden_ended_through)"

    static let insertColumns = BanBatch.columns.map(\.name).joined(separator: ", ")
    static let rowPlaceholders = "(" + Array(repeating: "?", count: BanBatch.columns.count).joined(separator: ", ") + ")"

    /// An INSERT of `rows` rows (1 for array binding, which repeats it per bound row).
    static func insert(rows: Int) -> String {
        "INSERT INTO bans(\(insertColumns)) VALUES " + Array(repeating: rowPlaceholders, count: rows).joined(separator: ", ")
    }

    static let insertEvent = "INSERT INTO events(signal_uid, time_ns, source, serialized) VALUES (?, ?, ?, ?)"

    /// The ban of each target active at `at`, newest first, with the target's whole history
    /// counts (a JOIN on the per-target MAX(id), never MySQL's loose GROUP BY).
    ///
    /// A target's ban at `at` is its newest row created at or before `at`. That is its
    /// newest row, found by an index-only scan of `bans_target`, except when a read of the
    /// past finds that row created after `at`: then a lookup in the target's rows finds
    /// the one before. The LIMIT keeps `h` a materialized table, which the server sorts
    /// alone before reading `p` in id order.
    static func activeAt(_ at: Int64) -> String {
        """
        SELECT p.id, p.scope, p.target, p.origin, p.action, p.reason, p.scenario, p.country, p.as_name, p.as_number,
            p.until_ns, p.created_ns, h.n, h.ev
        FROM (SELECT CASE WHEN b.created_ns <= \(at) THEN b.id
                    ELSE (SELECT MAX(l.id) FROM bans AS l WHERE l.target = b.target AND l.created_ns <= \(at)) END AS id,
                g.n, g.ev
            FROM (SELECT MAX(id) AS id, COUNT(*) AS n, SUM(events_count) AS ev FROM bans GROUP BY target) AS g
            JOIN bans AS b ON b.id = g.id
            LIMIT 18446744073709551615) AS h
        JOIN bans AS p ON p.id = h.id
        WHERE p.until_ns > \(at) AND (p.ended_ns IS NULL OR p.ended_ns > \(at)) AND p.id > \(endedThrough(at: at))
        ORDER BY h.id DESC
        """
    }

    /// Ends the live ban of a target (`?` = target, now, now): its newest row, if not
    /// ended nor past its until. The derived table is materialized, which MySQL 8
    /// requires to read the table it updates.
    static let endTarget = """
        UPDATE bans AS b JOIN (SELECT MAX(id) AS id FROM bans WHERE target = ?) AS m ON b.id = m.id
        SET b.ended_ns = ? WHERE b.ended_ns IS NULL AND b.until_ns > ? AND b.id > \(endedThrough)
        """

    /// How many targets have a live ban: targets with a row above the watermark (read in
    /// `bans_target` order, no temporary table), minus those whose newest row is ended.
    /// A ban past its until that no sweep ended yet is counted, as `warden_backend.h` allows.
    static let countLive = """
        SELECT (SELECT COUNT(DISTINCT target) FROM bans FORCE INDEX (bans_target) WHERE id > \(endedThrough))
             - (SELECT COUNT(*) FROM bans AS b WHERE b.ended_ns IS NOT NULL AND b.id > \(endedThrough)
                AND b.id = (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target))
        """

    /// Ends every ban so far at `now`: one watermark row, none when no ban came since the
    /// last. IGNORE: two hosts ending the same bans at once write the same row.
    static func endAll(now: Int64) -> String {
        """
        INSERT IGNORE INTO warden_ended_through(through_id, at_ns)
        SELECT last, \(now) FROM (SELECT MAX(id) AS last FROM bans) AS m WHERE last > \(endedThrough)
        """
    }

    /// Ids of live newest rows whose until passed by `now`, looking at untils after `since`.
    static func expired(now: Int64, since: Int64) -> String {
        """
        SELECT b.id FROM bans AS b WHERE b.until_ns <= \(now) AND b.until_ns > \(since) AND b.ended_ns IS NULL
            AND b.id > \(endedThrough) AND b.id = (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target)
        """
    }

    private static func isHistory(now: Int64) -> String {
        """
        (b.ended_ns IS NOT NULL OR b.until_ns <= \(now) OR b.id <= \(endedThrough)
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

    /// Watermarks below every remaining id, which no row needs any more.
    static let purgeOldMarks = """
        DELETE FROM warden_ended_through WHERE through_id < (SELECT MIN(id) FROM bans)
        """
}
