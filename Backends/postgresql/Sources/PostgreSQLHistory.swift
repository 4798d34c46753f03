import WardenBackendKit

/// The SQL of `warden.history/1` on PostgreSQL. A signal is named by its first ban, the
/// least id of its `signal_uid`; a deleted one has a `warden_deleted_signals` row. The
/// selection's strings are bound as $1 target, $2 origin, $3 action, $4 scenario
/// (``selectionValues(_:)``); the only values spliced are integers and the 16-byte
/// addresses the backend computed itself, as bytea hex literals.
enum PostgreSQLHistory {
    /// The end time read as "never".
    static let never = "9223372036854775807"

    /// A 16-byte address as a bytea literal.
    static func hex(_ number: UInt128) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]("'\\x".utf8)
        for i in 0..<16 {
            let byte = UInt8(truncatingIfNeeded: number >> UInt128(8 * (15 - i)))
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        out.append(contentsOf: "'::bytea".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether ban `x` is live at `now`: stored live (see ``PostgreSQLQueries/unended(_:)``) and not past its until.
    static func live(_ x: String, now: Int64) -> String {
        "(\(x).until_ns > \(now) AND \(PostgreSQLQueries.unended(x)))"
    }

    static func notDeleted(_ x: String) -> String {
        "NOT EXISTS (SELECT 1 FROM warden_deleted_signals AS d WHERE d.signal_uid = \(x).signal_uid)"
    }

    /// Counts for `target_history`: IP bans by `bans_span` equality, ranges by its prefix.
    static func targetHistory(_ q: HistoryQuery) -> String {
        let s = hex(q.rangeStart), e = hex(q.rangeEnd)
        return """
            SELECT COUNT(*) FILTER (WHERE b.created_ns > \(q.sinceNs)), COUNT(*) FILTER (WHERE \(live("b", now: q.nowNs))),
                COALESCE(MAX(b.until_ns) FILTER (WHERE \(live("b", now: q.nowNs))), 0)
            FROM (SELECT * FROM bans WHERE scope = 1 AND range_start = \(s) AND range_end = \(e)
                  UNION ALL
                  SELECT * FROM bans WHERE scope = 2 AND range_start <= \(s) AND range_end >= \(e)) AS b
            WHERE \(notDeleted("b"))
            """
    }

    /// The bound values `signalIDs` reads: target, origin, action, scenario.
    static func selectionValues(_ q: SignalSelection) -> [[UInt8]] {
        [q.target, q.origin, q.action, q.scenario].map { Array(($0 ?? "").utf8) }
    }

    /// The signal id (least ban id) and uid of each signal `q` selects, newest first.
    static func signalIDs(_ q: SignalSelection) -> String {
        let first = "(SELECT MIN(f.id) FROM bans AS f WHERE f.signal_uid = b.signal_uid)"
        // Every parameter appears, so the server knows each one's type whatever the filters.
        var conditions: [String] = [notDeleted("b"), "($1 = $1 AND $2 = $2 AND $3 = $3 AND $4 = $4)"]
        if let id = q.signalID { conditions.append("b.signal_uid = (SELECT signal_uid FROM bans WHERE id = \(id)) AND \(first) = \(id)") }
        if let id = q.banID { conditions.append("b.signal_uid = (SELECT signal_uid FROM bans WHERE id = \(id))") }
        if let scope = q.scope { conditions.append("b.scope = \(scope.rawValue)") }
        if q.target != nil { conditions.append("b.target = $1") }
        if q.origin != nil { conditions.append("b.origin = $2") }
        if q.action != nil { conditions.append("b.action = $3") }
        let s = hex(q.rangeStart), e = hex(q.rangeEnd)
        switch q.rangeMatch {
        case .contains:
            conditions.append("""
                ((b.scope = 1 AND b.range_start = \(s) AND b.range_end = \(e))
                 OR (b.scope = 2 AND b.range_start <= \(s) AND b.range_end >= \(e)))
                """)
        case .within:
            conditions.append("b.scope IN (1, 2) AND b.range_start BETWEEN \(s) AND \(e) AND b.range_end <= \(e)")
        case nil: break
        }
        if q.scenario != nil { conditions.append("COALESCE(b.signal_scenario, b.scenario) = $4") }
        if q.sinceNs != .min { conditions.append("b.created_ns > \(q.sinceNs)") }
        if q.untilNs != .max { conditions.append("b.created_ns < \(q.untilNs)") }
        if q.activeOnly {
            conditions.append("EXISTS (SELECT 1 FROM bans AS a WHERE a.signal_uid = b.signal_uid AND \(live("a", now: q.nowNs)))")
        }
        let limit = q.limit.map { " LIMIT \($0)" } ?? ""
        let banFilters = q.scope != nil || q.target != nil || q.origin != nil || q.action != nil || q.rangeMatch != nil
        guard banFilters else {
            // One row per signal, its first ban: the newest signals then come from a walk of
            // the primary key backwards that stops at the limit, not from a sort of them all.
            conditions.append("NOT EXISTS (SELECT 1 FROM bans AS f WHERE f.signal_uid = b.signal_uid AND f.id < b.id)")
            return "SELECT b.id AS sid, b.signal_uid FROM bans AS b WHERE " + conditions.joined(separator: " AND ")
                + " ORDER BY b.id DESC" + limit
        }
        return "SELECT DISTINCT \(first) AS sid, b.signal_uid FROM bans AS b WHERE "
            + conditions.joined(separator: " AND ") + " ORDER BY sid DESC" + limit
    }

    /// The bans of signal `uid` in id order, with the signal's fields and when each ended
    /// (deleted, swept, or under a watermark).
    static func signalBans(uid: Int64) -> String {
        """
        SELECT b.id, b.scope, b.target, b.range_start, b.range_end, b.origin, b.action, b.reason, b.scenario,
            b.country, b.as_name, b.as_number, b.until_ns, b.created_ns, COALESCE(b.signal_scenario, b.scenario),
            b.signal_message, COALESCE(b.signal_source, b.target), b.events_count, COALESCE(b.start_ns, b.created_ns),
            COALESCE(b.stop_ns, b.created_ns), b.simulated,
            LEAST(COALESCE(b.ended_ns, \(never)),
                COALESCE((SELECT MIN(e.at_ns) FROM warden_ended_through AS e WHERE e.through_id >= b.id), \(never)))
        FROM bans AS b WHERE b.signal_uid = \(uid) ORDER BY b.id
        """
    }

    static func signalEvents(uid: Int64) -> String {
        "SELECT time_ns, source, serialized FROM events WHERE signal_uid = \(uid)"
    }

    static func signalLabels(uid: Int64) -> String {
        "SELECT label_key, label_value FROM warden_labels WHERE signal_uid = \(uid) ORDER BY label_key"
    }

    /// The uid of signal `id` if `id` is its first ban and it was not deleted.
    static func signalUID(_ id: Int64) -> String {
        """
        SELECT b.signal_uid FROM bans AS b WHERE b.id = \(id) AND \(notDeleted("b"))
            AND NOT EXISTS (SELECT 1 FROM bans AS f WHERE f.signal_uid = b.signal_uid AND f.id < b.id)
        """
    }

    /// The live bans of signal `uid`.
    static func liveBans(uid: Int64, now: Int64) -> String {
        "SELECT b.id FROM bans AS b WHERE b.signal_uid = \(uid) AND \(live("b", now: now))"
    }

    /// Ban `id` if it is live.
    static func liveBan(_ id: Int64, now: Int64) -> String {
        "SELECT b.id FROM bans AS b WHERE b.id = \(id) AND \(live("b", now: now))"
    }

    static func hide(uid: Int64, now: Int64) -> String {
        "INSERT INTO warden_deleted_signals(signal_uid, at_ns) VALUES (\(uid), \(now)) ON CONFLICT DO NOTHING"
    }

    /// Logs that bans `ids` ended at `now`, one change each.
    static func logEnded(_ ids: [Int64], now: Int64) -> String {
        "INSERT INTO warden_changes(kind, ban_id, ended_ns, made_ns) VALUES "
            + ids.map { "(2, \($0), \(now), \(now))" }.joined(separator: ", ")
    }

    static let purgeOrphanLabels = """
        DELETE FROM warden_labels AS l WHERE NOT EXISTS (SELECT 1 FROM bans AS b WHERE b.signal_uid = l.signal_uid)
        """

    static let purgeOrphanDeletions = """
        DELETE FROM warden_deleted_signals AS d WHERE NOT EXISTS (SELECT 1 FROM bans AS b WHERE b.signal_uid = d.signal_uid)
        """
}
