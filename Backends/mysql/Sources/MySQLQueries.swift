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

    /// Whether ban `x` is stored live: not ended, not simulated, not under a `delete_all`
    /// watermark (`until_ns` is for each query to compare).
    static func unended(_ x: String) -> String {
        "\(x).ended_ns IS NULL AND \(x).simulated = 0 AND \(x).id > \(endedThrough)"
    }

    /// Every ban active at `at`, newest first, each with its target's whole history counts
    /// (read from `bans_target`). Several bans of a target may be active (ABI 1.2).
    static func activeAt(_ at: Int64) -> String {
        """
        SELECT p.id, p.scope, p.target, p.origin, p.action, p.reason, p.scenario, p.country, p.as_name, p.as_number,
            p.until_ns, p.created_ns,
            (SELECT COUNT(*) FROM bans AS h WHERE h.target = p.target),
            (SELECT COALESCE(SUM(h.events_count), 0) FROM bans AS h WHERE h.target = p.target)
        FROM bans AS p
        WHERE p.created_ns <= \(at) AND p.until_ns > \(at) AND (p.ended_ns IS NULL OR p.ended_ns > \(at))
            AND p.simulated = 0 AND p.id > \(endedThrough(at: at))
        ORDER BY p.id DESC
        """
    }

    /// Ids of the live bans of target `@w_target` (set, bound, by ``MySQLHistory/setStrings``)
    /// at `now`, locked until COMMIT.
    static func liveOfTarget(now: Int64) -> String {
        "SELECT id FROM bans AS b WHERE b.target = @w_target AND b.until_ns > \(now) AND \(unended("b")) FOR UPDATE"
    }

    /// How many bans are stored live (see ``unended(_:)``). A ban past its until that no
    /// sweep ended yet is counted, as `warden_backend.h` allows.
    static let countLive = "SELECT COUNT(*) FROM bans AS b WHERE \(unended("b"))"

    /// Ends every ban so far at `now`: one watermark row, none when no ban came since the
    /// last. IGNORE: two hosts ending the same bans at once write the same row.
    static func endAll(now: Int64) -> String {
        """
        INSERT IGNORE INTO warden_ended_through(through_id, at_ns)
        SELECT last, \(now) FROM (SELECT MAX(id) AS last FROM bans) AS m WHERE last > \(endedThrough)
        """
    }

    /// Ids of live rows whose until passed by `now`, looking at untils after `since`.
    static func expired(now: Int64, since: Int64) -> String {
        "SELECT b.id FROM bans AS b WHERE b.until_ns <= \(now) AND b.until_ns > \(since) AND \(unended("b"))"
    }

    private static func isHistory(now: Int64) -> String {
        "(b.ended_ns IS NOT NULL OR b.until_ns <= \(now) OR b.simulated = 1 OR b.id <= \(endedThrough))"
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
