/// The SQL of the `warden.changes/1` feed, over the `changes` table (see ``Schema``).
enum FeedQueries {
    /// Logs the bans from id ?1 on as added (one row per flush), then the end of each live
    /// ban they replaced, at its replacement's creation; made at ?2. The replaced ban is the
    /// row of the same target just before it (ids grow with insertion), live when not
    /// ended, not past its until then and not below a watermark. One statement: positions
    /// follow the ORDER BY.
    static let logAdded = """
        INSERT INTO changes(kind, ban_id, ended_ns, made_ns)
        SELECT kind, ban_id, ended_ns, ?2 FROM (
            SELECT 1 AS kind, ?1 AS ban_id, NULL AS ended_ns, 0 AS n
            UNION ALL
            SELECT 2, o.id, n.created_ns, n.id
            FROM bans AS n
            JOIN bans AS o ON o.id = (SELECT MAX(l.id) FROM bans AS l WHERE l.target = n.target AND l.id < n.id)
            WHERE n.id >= ?1 AND o.ended_ns IS NULL AND o.until_ns > n.created_ns AND o.id > \(Queries.endedThrough))
        ORDER BY kind, n
        """

    /// The newest ban of target ?2, which `endTarget` just ended at ?1.
    static let logEnded = """
        INSERT INTO changes(kind, ban_id, ended_ns, made_ns) SELECT 2, MAX(id), ?1, ?1 FROM bans WHERE target = ?2
        """

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

    /// Deletes the rows below the horizon, but never the newest, whose position + 1 is the next one.
    static let forgetChanges = """
        DELETE FROM changes WHERE position < (SELECT position FROM changes_horizon)
          AND position < (SELECT MAX(position) FROM changes)
        """

    /// The next position and the oldest one still reported.
    static let bounds = """
        SELECT m.hi + 1, MAX(IFNULL(m.lo, m.hi + 1), h.position)
        FROM (SELECT IFNULL(MAX(position), 0) AS hi, MIN(position) AS lo FROM changes) AS m, changes_horizon AS h
        """

    /// The changes from position ?1 on.
    static let changes = "SELECT position, kind, ban_id, ended_ns FROM changes WHERE position >= ?1 ORDER BY position"

    /// The bans from id ?1 on, in id order, with their target's history counts, laid out as `activeAt`.
    static let rows = """
        SELECT b.id, b.scope, b.target, b.origin, b.action, b.reason, b.scenario, b.country, b.as_name, b.as_number,
            b.until_ns, b.created_ns,
            (SELECT COUNT(*) FROM bans AS h WHERE h.target = b.target),
            (SELECT SUM(h.events_count) FROM bans AS h WHERE h.target = b.target)
        FROM bans AS b WHERE b.id >= ?1 ORDER BY b.id
        """
}
