/// Every SQL statement the backend runs; values are always bound, never spliced.
/// Each case is prepared once per connection (see ``SQLiteConnection/statement(_:)``).
enum Query: Int, CaseIterable {
    case begin, commit, userVersion, savepoint, releaseSavepoint, rollbackToSavepoint
    case insertBan, insertEvent, activeAt, endTarget, countLive, endAll, expire
    case countRows, purgeOldest, purgeOlderThan, purgeOrphanEvents, purgeOldMarks
    case beginRead, logAdded, logEnded, logEndedThrough, moveHorizon, purgedAdded, forgetChanges
    case feedBounds, feedChanges, feedRows
    case insertLabel, targetHistory, endBan, logEndedBan, signalExists, signalBanIDs, hideSignal
    case signalBans, signalEvents, signalLabels, purgeOrphanLabels, purgeOrphanDeletions

    var sql: String {
        switch self {
        case .begin: "BEGIN IMMEDIATE"
        case .commit: "COMMIT"
        case .userVersion: "PRAGMA user_version"
        case .savepoint: "SAVEPOINT signal"
        case .releaseSavepoint: "RELEASE signal"
        case .rollbackToSavepoint: "ROLLBACK TO signal"
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
        case .purgeOldMarks: Queries.purgeOldMarks
        case .beginRead: "BEGIN"
        case .logAdded: FeedQueries.logAdded
        case .logEnded: FeedQueries.logEnded
        case .logEndedThrough: FeedQueries.logEndedThrough
        case .moveHorizon: FeedQueries.moveHorizon
        case .purgedAdded: FeedQueries.purgedAdded
        case .forgetChanges: FeedQueries.forgetChanges
        case .feedBounds: FeedQueries.bounds
        case .feedChanges: FeedQueries.changes
        case .feedRows: FeedQueries.rows
        case .insertLabel: HistoryQueries.insertLabel
        case .targetHistory: HistoryQueries.targetHistory
        case .endBan: HistoryQueries.endBan
        case .logEndedBan: HistoryQueries.logEndedBan
        case .signalExists: HistoryQueries.signalExists
        case .signalBanIDs: HistoryQueries.signalBanIDs
        case .hideSignal: HistoryQueries.hideSignal
        case .signalBans: HistoryQueries.signalBans
        case .signalEvents: HistoryQueries.signalEvents
        case .signalLabels: HistoryQueries.signalLabels
        case .purgeOrphanLabels: HistoryQueries.purgeOrphanLabels
        case .purgeOrphanDeletions: HistoryQueries.purgeOrphanDeletions
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

    /// The highest id `delete_all` had ended at or before ?1.
    static let endedThroughAt = "(SELECT IFNULL(MAX(through_id), 0) FROM ended_through WHERE at_ns <= ?1)"

    /// The highest id `delete_all` ever ended: rows at or below it are history.
    static let endedThrough = "(SELECT IFNULL(MAX(through_id), 0) FROM ended_through)"

    /// The ban of each target active at ?1, newest first, with the target's whole history counts.
    ///
    /// A target's ban at ?1 is its newest row created at or before ?1. That is its newest
    /// row, found by an index-only scan of `bans_target`, except when a read of the past
    /// finds that row created after ?1: then a lookup in the target's rows finds the one
    /// before. Walking `g` by descending id (kept because of the LIMIT) is only for speed:
    /// the lookups of `b` and `p` then read the table in order, which pays for the sort;
    /// the outer ORDER BY is what promises the order.
    static let activeAt = """
        SELECT p.id, p.scope, p.target, p.origin, p.action, p.reason, p.scenario, p.country, p.as_name, p.as_number,
            p.until_ns, p.created_ns, h.n, h.ev
        FROM (SELECT CASE WHEN b.created_ns <= ?1 THEN b.id
                    ELSE (SELECT MAX(l.id) FROM bans AS l WHERE l.target = b.target AND l.created_ns <= ?1) END AS id,
                g.n, g.ev
            FROM (SELECT MAX(id) AS id, COUNT(*) AS n, SUM(events_count) AS ev FROM bans GROUP BY target
                ORDER BY 1 DESC LIMIT -1) AS g
            JOIN bans AS b ON b.id = g.id) AS h
        JOIN bans AS p ON p.id = h.id
        WHERE p.until_ns > ?1 AND (p.ended_ns IS NULL OR p.ended_ns > ?1) AND p.id > \(endedThroughAt)
        ORDER BY p.id DESC
        """

    /// Ends, at ?1, the live ban of target ?2: its newest row, if not ended nor past its until.
    static let endTarget = """
        UPDATE bans SET ended_ns = ?1
        WHERE id = (SELECT MAX(id) FROM bans WHERE target = ?2) AND ended_ns IS NULL AND until_ns > ?1
          AND id > \(endedThrough)
        """

    /// How many targets have a live (newest, not ended) ban: targets with a row above the
    /// watermark (an index-only scan), minus those whose newest row is ended (found
    /// through the partial index of ended rows, which inserts never touch). A ban past its
    /// until that no sweep ended yet is counted, as `warden_backend.h` allows.
    static let countLive = """
        SELECT (SELECT COUNT(*) FROM (SELECT target FROM bans INDEXED BY bans_target WHERE id > \(endedThrough)
                GROUP BY target))
             - (SELECT COUNT(*) FROM bans AS b INDEXED BY bans_ended
                WHERE b.ended_ns IS NOT NULL AND b.id > \(endedThrough)
                  AND b.id = (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target))
        """

    /// Ends every ban so far at ?1: one watermark row, none when no ban came since the last.
    static let endAll = """
        INSERT INTO ended_through(through_id, at_ns)
        SELECT last, ?1 FROM (SELECT MAX(id) AS last FROM bans) WHERE last > \(endedThrough)
        """

    /// Ends live bans whose until passed (at ?1), looking only at untils after ?2.
    static let expire = """
        UPDATE bans SET ended_ns = ?1
        WHERE until_ns <= ?1 AND until_ns > ?2 AND ended_ns IS NULL AND id > \(endedThrough)
          AND id = (SELECT MAX(id) FROM bans AS l WHERE l.target = bans.target)
        """

    /// A row that retention may purge at ?1: history (ended, replaced, expired or below the
    /// watermark), and not the newest row of the table, whose id SQLite would hand out
    /// again (ids are MAX(id) + 1): a new ban must never get an id a watermark covers.
    private static let isPurgeable = """
        (b.ended_ns IS NOT NULL OR b.until_ns <= ?1 OR b.id <= \(endedThrough)
         OR b.id < (SELECT MAX(id) FROM bans AS l WHERE l.target = b.target))
        AND b.id < (SELECT MAX(id) FROM bans)
        """

    static let countRows = "SELECT COUNT(*) FROM bans"

    /// Purges the ?2 oldest history rows (oldest first keeps replacement order safe);
    /// returns their ids (the change feed needs the newest).
    static let purgeOldest = """
        DELETE FROM bans WHERE id IN (SELECT b.id FROM bans AS b WHERE \(isPurgeable) ORDER BY b.id LIMIT ?2)
        RETURNING id
        """

    /// Purges history rows created before ?2: rows up to the newest one created before it;
    /// returns their ids.
    static let purgeOlderThan = """
        DELETE FROM bans WHERE id IN (SELECT b.id FROM bans AS b
            WHERE b.id <= (SELECT IFNULL(MAX(id), 0) FROM bans WHERE created_ns < ?2) AND \(isPurgeable))
        RETURNING id
        """

    /// Events whose signal has no ban left.
    static let purgeOrphanEvents = "DELETE FROM events WHERE signal_id NOT IN (SELECT IFNULL(signal_id, id) FROM bans)"

    /// Watermarks below every remaining id, which no row needs any more.
    static let purgeOldMarks = "DELETE FROM ended_through WHERE through_id < (SELECT MIN(id) FROM bans)"
}
