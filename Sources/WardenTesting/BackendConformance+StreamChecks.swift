import CWardenBackend
import WardenBackendHost
import WardenModel

/// The promises about how rows come back and how an insert fails
/// (`warden_backend.h`, read_at and insert).
extension Checks {

    static func rowsComeNewestFirst(_ w: World) throws {
        let b = try w.instance()
        for t in ["192.0.2.50", "2001:db8::50", "192.0.2.51", "198.51.100.0/24", "192.0.2.52"] {
            try b.insert(try w.signal(t, seconds: 3600))
            w.clock.advance(seconds: 1)
        }
        try b.insert(try w.signal("192.0.2.51", seconds: 3600, reason: "again"))  // the newest ban now, beside the first
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        let expected = ["192.0.2.51", "192.0.2.52", "198.51.100.0/24", "192.0.2.51", "2001:db8::50", "192.0.2.50"]
        try w.expect(rows.map(\.target) == expected,
                     "read_at must stream newest first (descending id): got \(rows.map(\.target)), expected \(expected)")
        try w.expect(zip(rows, rows.dropFirst()).allSatisfy { $0.id > $1.id }, "ids must descend: \(rows.map(\.id))")
    }

    static func sinkStopEndsTheRead(_ w: World) throws {
        let b = try w.instance()
        for t in ["192.0.2.53", "192.0.2.54", "192.0.2.55"] { try b.insert(try w.signal(t, seconds: 3600)) }
        try b.flush()
        var rows: [WardenModel.Ban] = []
        try b.read(at: w.clock.now) { rows.append($0); return false }
        try w.expect(rows.count == 1,
                     "the sink returned 1 after the first row, yet it was called \(rows.count) times; expected once")
        try w.expect(rows[0].target == "192.0.2.55", "the one row must be the newest ban, got \(rows[0].target)")
        // A read stopped early must leave the instance whole (no lock held, no cursor left open).
        try b.insert(try w.signal("192.0.2.56", seconds: 3600))
        try b.flush()
        try w.expect(try w.targets(b).count == 4, "the instance must work after a stopped read")
    }

    static func multiBanInsertIsAllOrNothing(_ w: World) throws {
        let b = try w.instance()
        let defects: [(String, (inout warden_ban_t) -> Void)] = [
            ("an unknown scope (7)", { $0.scope = 7 }),
            ("an empty target", { $0.target = warden_str_t(ptr: nil, len: 0) }),
        ]
        for (defect, alter) in defects {
            let signal = try w.signal(bans: ["192.0.2.70", "192.0.2.71"], seconds: 3600)
            do {
                try b.insert(signal) { index, ban in if index == 1 { alter(&ban) } }
                throw ConformanceFailure(description: "insert accepted a signal whose second ban has \(defect)")
            } catch let error as BackendCallError {
                try w.expect(error.status == WARDEN_E_INVALID,
                             "a second ban with \(defect) must be WARDEN_E_INVALID, got \(error)")
            }
        }
        try b.flush()
        let stored = try w.targets(b)
        try w.expect(stored.isEmpty, "a refused insert must store none of its signal's bans, found \(stored)")
        try b.insert(try w.signal("192.0.2.70", seconds: 3600))
        try b.flush()
        let rows = try b.read(at: w.clock.now)
        try w.expect(rows.map(\.banCount) == [1], "a refused ban must not count in history: bancount \(rows.map(\.banCount))")
    }
}
