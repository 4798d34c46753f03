/// Every SQL statement the backend runs; values are always bound, never spliced.
/// Each case is prepared once per connection (see ``SQLiteConnection/statement(_:)``).
enum Query: Int, CaseIterable {
    case begin, commit, userVersion, savepoint, releaseSavepoint, rollbackToSavepoint
    case insertBan, insertEvent, activeAt, endTarget, countLive, endAll, expire
    case countRows, purgeOldest, purgeOlderThan, purgeOrphanEvents, purgeOldMarks
    case beginRead, logAdded, logEndedThrough, moveHorizon, purgedAdded, forgetChanges
    case feedBounds, feedChanges, feedRows
    case insertLabel, targetHistory, endBan, logEndedBan, signalExists, signalBanIDs, hideSignal
    case signalBans, signalEvents, signalLabels, purgeOrphanLabels, purgeOrphanDeletions
    case documentVersion, readDocument, insertDocument, updateDocument

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
        case .documentVersion: DocumentQueries.version
        case .readDocument: DocumentQueries.read
        case .insertDocument: DocumentQueries.insert
        case .updateDocument: DocumentQueries.update
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

    /// Whether ban `x` is stored live: not ended, not simulated, not under a `delete_all`
    /// watermark. The terms of the partial index `bans_unended`, which lookups of live
    /// bans read; `until_ns` is for each query to compare.
    static func unended(_ x: String) -> String {
        "\(x).ended_ns IS NULL AND \(x).simulated = 0 AND \(x).id > \(endedThrough)"
    }

    /// Every ban active at ?1, newest first, each with its target's whole history counts
    /// (read from `bans_target` alone). Several bans of a target may be active (ABI 1.2).
    static let activeAt = """
        SELECT p.id, p.scope, p.target, p.origin, p.action, p.reason, p.scenario, p.country, p.as_name, p.as_number,
            p.until_ns, p.created_ns,
            (SELECT COUNT(*) FROM bans AS h WHERE h.target = p.target),
            (SELECT SUM(h.events_count) FROM bans AS h WHERE h.target = p.target)
        FROM bans AS p
        WHERE p.created_ns <= ?1 AND p.until_ns > ?1 AND (p.ended_ns IS NULL OR p.ended_ns > ?1) AND p.simulated = 0
          AND p.id > \(endedThroughAt)
        ORDER BY p.id DESC
        """

    /// Ends, at ?1, every live ban of target ?2; returns their ids.
    static let endTarget = """
        UPDATE bans SET ended_ns = ?1 WHERE target = ?2 AND until_ns > ?1 AND \(unended("bans"))
        RETURNING id
        """

    /// How many bans are stored live (see ``unended(_:)``), through the partial index. A
    /// ban past its until that no sweep ended yet is counted, as `warden_backend.h` allows.
    static let countLive = "SELECT COUNT(*) FROM bans INDEXED BY bans_unended WHERE \(unended("bans"))"

    /// Ends every ban so far at ?1: one watermark row, none when no ban came since the last.
    static let endAll = """
        INSERT INTO ended_through(through_id, at_ns)
        SELECT last, ?1 FROM (SELECT MAX(id) AS last FROM bans) WHERE last > \(endedThrough)
        """

    /// Ends live bans whose until passed (at ?1), looking only at untils after ?2.
    static let expire = """
        UPDATE bans SET ended_ns = ?1 WHERE until_ns <= ?1 AND until_ns > ?2 AND \(unended("bans"))
        """

    /// A row that retention may purge at ?1: history (ended, expired, simulated or below
    /// the watermark), and not the newest row of the table, whose id SQLite would hand out
    /// again (ids are MAX(id) + 1): a new ban must never get an id a watermark covers.
    private static let isPurgeable = """
        (b.ended_ns IS NOT NULL OR b.until_ns <= ?1 OR b.simulated = 1 OR b.id <= \(endedThrough))
        AND b.id < (SELECT MAX(id) FROM bans)
        """

    static let countRows = "SELECT COUNT(*) FROM bans"

    /// Purges the ?2 oldest history rows; returns their ids (the change feed needs the newest).
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
