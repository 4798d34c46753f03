/// The SQL of `warden.history/1` (see ``Schema``, version 5). A signal is named by its
/// first ban, `IFNULL(signal_id, id)`; a deleted one has a `deleted_signals` row.
enum HistoryQueries {
    /// Whether ban `x` is live at ?1: stored live (see ``Queries/unended(_:)``) and not past its until.
    static func live(_ x: String) -> String {
        "(\(x).until_ns > ?1 AND \(Queries.unended(x)))"
    }

    /// Whether the signal of ban `x` was not deleted.
    static func notDeleted(_ x: String) -> String {
        "NOT EXISTS (SELECT 1 FROM deleted_signals AS d WHERE d.signal_id = IFNULL(\(x).signal_id, \(x).id))"
    }

    static let insertLabel = "INSERT INTO labels(signal_id, key, value) VALUES (?1, ?2, ?3)"

    /// At ?1 (now), for the address or block ?2..?3 and the time ?4: how many bans contain
    /// it created after ?4, how many are live, their latest until. IP bans are found by
    /// `bans_address`, ranges by `bans_range`.
    static let targetHistory = """
        SELECT IFNULL(SUM(b.created_ns > ?4), 0), IFNULL(SUM(\(live("b"))), 0),
            IFNULL(MAX(CASE WHEN \(live("b")) THEN b.until_ns END), 0)
        FROM (SELECT * FROM bans WHERE scope = 1 AND range_start = ?2 AND range_end = ?3
              UNION ALL
              SELECT * FROM bans WHERE scope = 2 AND range_start <= ?2 AND range_end >= ?3) AS b
        WHERE \(notDeleted("b"))
        """

    /// Ends, at ?1, ban ?2 if it is live.
    static let endBan = "UPDATE bans AS b SET ended_ns = ?1 WHERE b.id = ?2 AND \(live("b"))"

    /// Logs that ban ?2 ended at ?1.
    static let logEndedBan = "INSERT INTO changes(kind, ban_id, ended_ns, made_ns) VALUES (2, ?2, ?1, ?1)"

    /// Whether signal ?1 exists and was not deleted.
    static let signalExists = """
        SELECT COUNT(*) FROM bans AS b WHERE b.id = ?1 AND b.signal_id IS NULL AND \(notDeleted("b"))
        """

    /// The ids of the bans of signal ?1.
    static let signalBanIDs = "SELECT id FROM bans WHERE id = ?1 OR signal_id = ?1 ORDER BY id"

    /// Hides signal ?1 from ?2 on.
    static let hideSignal = "INSERT INTO deleted_signals(signal_id, at_ns) VALUES (?1, ?2)"

    /// Not ended: the end time read as "never" (INT64_MAX).
    static let never = "9223372036854775807"

    /// The bans of signal ?1 in id order, with the signal's own fields and when each
    /// ended: deleted, swept or replaced before ABI 1.2 (`ended_ns`), or under a
    /// `delete_all` watermark; the earlier of those.
    static let signalBans = """
        SELECT b.id, b.scope, b.target, b.range_start, b.range_end, b.origin, b.action, b.reason, b.scenario,
            b.country, b.as_name, b.as_number, b.until_ns, b.created_ns, IFNULL(b.signal_scenario, b.scenario),
            b.signal_message, IFNULL(b.signal_source, b.target), b.events_count, IFNULL(b.start_ns, b.created_ns),
            IFNULL(b.stop_ns, b.created_ns), b.simulated,
            MIN(IFNULL(b.ended_ns, \(never)),
                IFNULL((SELECT MIN(e.at_ns) FROM ended_through AS e WHERE e.through_id >= b.id), \(never)))
        FROM bans AS b WHERE b.id = ?1 OR b.signal_id = ?1 ORDER BY b.id
        """

    static let signalEvents = "SELECT time_ns, source, serialized FROM events WHERE signal_id = ?1 ORDER BY rowid"

    static let signalLabels = "SELECT key, value FROM labels WHERE signal_id = ?1 ORDER BY key"

    static let purgeOrphanLabels = "DELETE FROM labels WHERE signal_id NOT IN (SELECT IFNULL(signal_id, id) FROM bans)"

    static let purgeOrphanDeletions = """
        DELETE FROM deleted_signals WHERE signal_id NOT IN (SELECT IFNULL(signal_id, id) FROM bans)
        """

    /// The ids of the signals `selection` selects, newest first, built from the filters
    /// it sets (so each uses its index). Parameters: ?1 now, ?2 signal id, ?3 ban id,
    /// ?4 scope, ?5 target, ?6 origin, ?7 action, ?8..?9 range, ?10 scenario,
    /// ?11 since, ?12 until, ?13 limit.
    static func signalIDs(
        signalID: Bool, banID: Bool, scope: Bool, target: Bool, origin: Bool, action: Bool,
        contains: Bool, within: Bool, scenario: Bool, since: Bool, until: Bool, activeOnly: Bool, limit: Bool
    ) -> String {
        let banFilters = scope || target || origin || action || contains || within
        var conditions: [String] = []
        // Without a ban filter, one row per signal: its first ban, in id order.
        if !banFilters { conditions.append("b.signal_id IS NULL") }
        if signalID { conditions.append("IFNULL(b.signal_id, b.id) = ?2") }
        if banID { conditions.append("IFNULL(b.signal_id, b.id) = (SELECT IFNULL(signal_id, id) FROM bans WHERE id = ?3)") }
        if scope { conditions.append("b.scope = ?4") }
        if target { conditions.append("b.target = ?5") }
        if origin { conditions.append("b.origin = ?6") }
        if action { conditions.append("b.action = ?7") }
        if contains {
            conditions.append("""
                ((b.scope = 1 AND b.range_start = ?8 AND b.range_end = ?9)
                 OR (b.scope = 2 AND b.range_start <= ?8 AND b.range_end >= ?9))
                """)
        }
        if within {
            conditions.append("""
                ((b.scope = 1 AND b.range_start BETWEEN ?8 AND ?9)
                 OR (b.scope = 2 AND b.range_start BETWEEN ?8 AND ?9 AND b.range_end <= ?9))
                """)
        }
        if scenario { conditions.append("IFNULL(b.signal_scenario, b.scenario) = ?10") }
        if since { conditions.append("b.created_ns > ?11") }
        if until { conditions.append("b.created_ns < ?12") }
        if activeOnly {
            conditions.append("""
                EXISTS (SELECT 1 FROM bans AS a WHERE (a.id = IFNULL(b.signal_id, b.id) OR a.signal_id = IFNULL(b.signal_id, b.id))
                        AND \(live("a")))
                """)
        }
        conditions.append(notDeleted("b"))
        // One row per signal needs no DISTINCT: the newest signals then come from a walk of
        // the primary key backwards that stops at the limit, not from a sort of them all.
        let select = banFilters ? "SELECT DISTINCT IFNULL(b.signal_id, b.id) AS sid" : "SELECT b.id AS sid"
        let order = banFilters ? " ORDER BY sid DESC" : " ORDER BY b.id DESC"
        return select + " FROM bans AS b WHERE " + conditions.joined(separator: " AND ") + order + (limit ? " LIMIT ?13" : "")
    }
}
