/// The SQL of the `warden.changes/1` feed, over the `changes` table (see ``Schema``).
enum FeedQueries {
    /// Logs the bans from id ?1 on as added (one row per flush), made at ?2.
    static let logAdded = "INSERT INTO changes(kind, ban_id, made_ns) VALUES (1, ?1, ?2)"

    /// Every ban so far, which `endAll` just ended at ?1.
    static let logEndedThrough = """
        INSERT INTO changes(kind, ban_id, ended_ns, made_ns) SELECT 3, MAX(id), ?1, ?1 FROM bans
        """

    /// Moves the horizon past the changes made before ?1: every row up to the newest such
    /// one, so what is kept stays contiguous even when the clocks of the processes writing
    /// disagree. Runs before ``forgetChanges``.
    static let moveHorizon = """
        UPDATE changes_horizon SET position = MAX(position,
            (SELECT IFNULL(MAX(position), 0) + 1 FROM changes WHERE made_ns < ?1))
        """

    /// Moves the horizon past the added range that holds ban ?1, just purged: cursors
    /// before it could no longer learn that ban.
    static let purgedAdded = """
        UPDATE changes_horizon SET position = MAX(position,
            (SELECT IFNULL(MAX(position), 0) + 1 FROM changes WHERE kind = 1 AND ban_id <= ?1))
        """

    /// Deletes the rows below the horizon, but never the newest, whose position + 1 is the next one.
    static let forgetChanges = """
        DELETE FROM changes WHERE position < (SELECT position FROM changes_horizon)
          AND position < (SELECT MAX(position) FROM changes)
        """

    /// The next position and the oldest one still reported. MIN and MAX in subqueries of
    /// their own: SQLite reads each from the end of the index only when it is alone.
    static let bounds = """
        SELECT m.hi + 1, MAX(IFNULL(m.lo, m.hi + 1), h.position)
        FROM (SELECT IFNULL((SELECT MAX(position) FROM changes), 0) AS hi, (SELECT MIN(position) FROM changes) AS lo) AS m,
            changes_horizon AS h
        """

    /// The changes from position ?1 on.
    static let changes = "SELECT position, kind, ban_id, ended_ns FROM changes WHERE position >= ?1 ORDER BY position"

    /// The bans from id ?1 on, in id order, with their target's history counts, laid out as
    /// `activeAt`; simulated ones are never live, so never reported.
    static let rows = """
        SELECT b.id, b.scope, b.target, b.origin, b.action, b.reason, b.scenario, b.country, b.as_name, b.as_number,
            b.until_ns, b.created_ns,
            (SELECT COUNT(*) FROM bans AS h WHERE h.target = b.target),
            (SELECT SUM(h.events_count) FROM bans AS h WHERE h.target = b.target)
        FROM bans AS b WHERE b.id >= ?1 AND b.simulated = 0 ORDER BY b.id
        """
}
