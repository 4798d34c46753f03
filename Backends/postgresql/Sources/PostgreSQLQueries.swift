/// The SQL the PostgreSQL backend runs. Strings are always bound ($n); the only values
/// spliced into text are integers and addresses the backend computed itself.
enum PostgreSQLQueries {
    /// The highest id `delete_all` had ended at or before `at`.
    static func endedThrough(at: Int64) -> String {
        "(SELECT COALESCE(MAX(through_id), 0) FROM warden_ended_through WHERE at_ns <= \(at))"
    }

    /// The highest id `delete_all` ever ended: rows at or below it are history.
    static let endedThrough = "(SELECT COALESCE(MAX(through_id), 0) FROM warden_ended_through)"

    /// Whether ban `x` is stored live: not ended, not simulated, not under a `delete_all`
    /// watermark (`until_ns` is for each query to compare).
    static func unended(_ x: String) -> String {
        "\(x).ended_ns IS NULL AND \(x).simulated = 0 AND \(x).id > \(endedThrough)"
    }

    /// The columns of an ABI ban row, for ban `x`, with its target's whole history counts.
    static func rowColumns(_ x: String) -> String {
        """
        \(x).id, \(x).scope, \(x).target, \(x).origin, \(x).action, \(x).reason, \(x).scenario, \(x).country, \(x).as_name,
            \(x).as_number, \(x).until_ns, \(x).created_ns,
            (SELECT COUNT(*) FROM bans AS h WHERE h.target = \(x).target),
            (SELECT COALESCE(SUM(h.events_count), 0) FROM bans AS h WHERE h.target = \(x).target)
        """
    }

    /// Every ban active at `at`, newest first. Several bans of a target may be active (ABI 1.2).
    static func activeAt(_ at: Int64) -> String {
        """
        SELECT \(rowColumns("p"))
        FROM bans AS p
        WHERE p.created_ns <= \(at) AND p.until_ns > \(at) AND (p.ended_ns IS NULL OR p.ended_ns > \(at))
            AND p.simulated = 0 AND p.id > \(endedThrough(at: at))
        ORDER BY p.id DESC
        """
    }

    /// Ids of the live bans of target $1 at `now`, locked until COMMIT.
    static func liveOfTarget(now: Int64) -> String {
        "SELECT id FROM bans AS b WHERE b.target = $1 AND b.until_ns > \(now) AND \(unended("b")) FOR UPDATE"
    }

    /// How many bans are stored live (see ``unended(_:)``). A ban past its until that no
    /// sweep ended yet is counted, as `warden_backend.h` allows.
    static let countLive = "SELECT COUNT(*) FROM bans AS b WHERE \(unended("b"))"

    /// Ends every ban so far at `now`: one watermark row, none when no ban came since the last.
    static func endAll(now: Int64) -> String {
        """
        INSERT INTO warden_ended_through(through_id, at_ns)
        SELECT last, \(now) FROM (SELECT MAX(id) AS last FROM bans) AS m WHERE last > \(endedThrough)
        ON CONFLICT DO NOTHING
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

    static let purgeOrphanEvents = "DELETE FROM events AS e WHERE NOT EXISTS (SELECT 1 FROM bans AS b WHERE b.signal_uid = e.signal_uid)"

    /// Watermarks below every remaining id, which no row needs any more.
    static let purgeOldMarks = "DELETE FROM warden_ended_through WHERE through_id < (SELECT MIN(id) FROM bans)"
}
