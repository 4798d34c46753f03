/// The SQL of the `warden.changes/1` feed, over the `changes` table (see ``Schema``).
enum FeedQueries {
    /// The bans from id ?1 on were added (one row per flush), made at ?2.
    static let logAdded = "INSERT INTO changes(kind, ban_id, made_ns) VALUES (1, ?1, ?2)"

    /// Each ban from id ?1 on that replaced a live one ends that one at its own creation,
    /// made at ?2. The replaced ban is the row of the same target just before it (ids grow
    /// with insertion), live when not ended, not past its until then, not below a watermark.
    static let logReplaced = """
        INSERT INTO changes(kind, ban_id, ended_ns, made_ns)
        SELECT 2, o.id, n.created_ns, ?2
        FROM bans AS n
        JOIN bans AS o ON o.id = (SELECT MAX(l.id) FROM bans AS l WHERE l.target = n.target AND l.id < n.id)
        WHERE n.id >= ?1 AND o.ended_ns IS NULL AND o.until_ns > n.created_ns AND o.id > \(Queries.endedThrough)
        ORDER BY n.id
        """

    /// The newest ban of target ?2, which `endTarget` just ended at ?1.
    static let logEnded = """
        INSERT INTO changes(kind, ban_id, ended_ns, made_ns) SELECT 2, MAX(id), ?1, ?1 FROM bans WHERE target = ?2
        """

    /// Every ban so far, which `endAll` just ended at ?1.
    static let logEndedThrough = """
        INSERT INTO changes(kind, ban_id, ended_ns, made_ns) SELECT 3, MAX(id), ?1, ?1 FROM bans
        """

    /// Forgets the changes made before ?1: every row up to the newest such one, so what is
    /// kept stays contiguous even when the clocks of the processes writing disagree.
    static let forgetChanges = """
        DELETE FROM changes WHERE position <= (SELECT IFNULL(MAX(position), 0) FROM changes WHERE made_ns < ?1)
        """

    /// The next position (1 + the last one ever given, even if forgotten since) and the
    /// oldest position kept (the next one when nothing is kept).
    static let bounds = """
        SELECT h.head, IFNULL((SELECT MIN(position) FROM changes), h.head)
        FROM (SELECT IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0) + 1 AS head) AS h
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
