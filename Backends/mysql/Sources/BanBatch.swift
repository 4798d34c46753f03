import CMariaDB
import CWardenBackend
import Glibc
import WardenBackendKit

/// Ban rows waiting for `flush`, copied out of the host's signals into one arena per
/// column (the host's strings are only borrowed for the insert call).
struct BanBatch {
    enum Kind { case int, text, blob }

    /// The `bans` columns an insert writes, in statement order.
    static let columns: [(name: String, kind: Kind)] = [
        ("signal_uid", .int), ("target", .text), ("scope", .int), ("range_start", .blob), ("range_end", .blob),
        ("origin", .text), ("action", .text), ("reason", .text), ("scenario", .text), ("country", .text),
        ("as_name", .text), ("as_number", .int), ("until_ns", .int), ("created_ns", .int), ("signal_scenario", .text),
        ("signal_message", .text), ("signal_source", .text), ("events_count", .int), ("start_ns", .int),
        ("stop_ns", .int), ("simulated", .int),
    ]

    private(set) var count = 0
    /// Per column: integer values, or bytes with each row's end offset.
    private var ints = [[Int64]](repeating: [], count: columns.count)
    private var bytes = [[UInt8]](repeating: [], count: columns.count)
    private var ends = [[Int]](repeating: [], count: columns.count)
    /// Per column, per row: STMT_INDICATOR_NULL (1) or STMT_INDICATOR_NONE (0).
    private var nulls = [[CChar]](repeating: [], count: columns.count)

    private mutating func put(_ column: Int, int value: Int64?) {
        ints[column].append(value ?? 0)
        nulls[column].append(value == nil ? 1 : 0)
    }

    private mutating func put(_ column: Int, bytes value: UnsafeRawBufferPointer?) {
        if let value { bytes[column].append(contentsOf: value) }
        ends[column].append(bytes[column].count)
        nulls[column].append(value == nil ? 1 : 0)
    }

    /// Copies every ban of `signal` as one row, tagged with the signal's `uid`.
    /// Signal fields that repeat the ban's are stored as NULL (see MySQLSchema).
    mutating func append(_ signal: RawSignal, uid: Int64) {
        let s = signal.fields
        for b in signal.bans {
            put(0, int: uid)
            put(1, bytes: b.target.bytes)
            put(2, int: Int64(b.scope))
            // Both scopes keep their addresses: warden.history/1 finds containment by index.
            withUnsafeBytes(of: b.range_start) { put(3, bytes: $0) }
            withUnsafeBytes(of: b.range_end) { put(4, bytes: $0) }
            put(5, bytes: b.origin.bytes)
            put(6, bytes: b.action.bytes)
            put(7, bytes: b.reason.bytes)
            put(8, bytes: b.scenario.bytes)
            put(9, bytes: b.country.bytes)
            put(10, bytes: b.as_name.bytes)
            put(11, int: b.as_number)
            put(12, int: b.until_ns)
            put(13, int: s.created_ns)
            put(14, bytes: s.scenario.hasSameBytes(as: b.scenario) ? nil : s.scenario.bytes)
            put(15, bytes: s.message.bytes)
            put(16, bytes: s.source.hasSameBytes(as: b.target) ? nil : s.source.bytes)
            put(17, int: s.events_count)
            put(18, int: s.start_ns == s.created_ns ? nil : s.start_ns)
            put(19, int: s.stop_ns == s.created_ns ? nil : s.stop_ns)
            put(20, int: Int64(s.simulated))
            count += 1
        }
    }

    mutating func removeAll() {
        self = BanBatch()
    }

    /// Where row `row`'s bytes start in column `c`.
    private func start(_ c: Int, _ row: Int) -> Int { row == 0 ? 0 : ends[c][row - 1] }

    /// A copy of the bytes of rows `range` of column `c`, and the offset it starts at.
    private func slice(_ c: Int, _ range: Range<Int>, _ arena: BindArena) -> (base: UnsafeMutablePointer<UInt8>?, low: Int) {
        let low = start(c, range.lowerBound), high = ends[c][range.upperBound - 1]
        return (arena.copy(bytes[c][low..<high]), low)
    }

    /// Calls `body` with binds for rows `range`, column-wise arrays for array binding.
    func withArrayBinds<R>(_ range: Range<Int>, _ body: (UnsafeMutablePointer<MYSQL_BIND>) throws -> R) rethrows -> R {
        try BindArena.with { arena in
            let binds = arena.binds(Self.columns.count)
            for (c, column) in Self.columns.enumerated() {
                let indicators = arena.copy(nulls[c][range])
                warden_bind_set_indicator(&binds[c], indicators)
                switch column.kind {
                case .int:
                    binds[c].buffer_type = MYSQL_TYPE_LONGLONG
                    binds[c].buffer = UnsafeMutableRawPointer(arena.copy(ints[c][range]))
                case .text, .blob:
                    binds[c].buffer_type = column.kind == .text ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB
                    let (base, low) = slice(c, range, arena)
                    let pointers = arena.copy(range.map { row -> UnsafeMutablePointer<UInt8>? in
                        base.map { $0 + (start(c, row) - low) }
                    })
                    binds[c].buffer = UnsafeMutableRawPointer(pointers)
                    binds[c].length = arena.copy(range.map { row in UInt(ends[c][row] - start(c, row)) })
                }
            }
            return try body(binds)
        }
    }

    /// Calls `body` with one bind per value of rows `range`, row after row, for a
    /// multi-row `INSERT … VALUES (…), (…)`.
    func withRowBinds<R>(_ range: Range<Int>, _ body: (UnsafeMutablePointer<MYSQL_BIND>) throws -> R) rethrows -> R {
        try BindArena.with { arena in
            let width = Self.columns.count
            let binds = arena.binds(width * range.count)
            let isNull: UnsafeMutablePointer<CChar> = arena.copy((0..<width).flatMap { c in range.map { nulls[c][$0] } })
            let slices = (0..<width).map { c -> (base: UnsafeMutablePointer<UInt8>?, low: Int) in
                Self.columns[c].kind == .int ? (nil, 0) : slice(c, range, arena)
            }
            for (r, row) in range.enumerated() {
                for (c, column) in Self.columns.enumerated() {
                    let bind = binds.advanced(by: r * width + c)
                    bind.pointee.is_null = isNull.advanced(by: c * range.count + r)
                    switch column.kind {
                    case .int:
                        bind.pointee.buffer_type = MYSQL_TYPE_LONGLONG
                        bind.pointee.buffer = UnsafeMutableRawPointer(arena.copy([ints[c][row]]))
                    case .text, .blob:
                        let length = ends[c][row] - start(c, row)
                        bind.pointee.buffer_type = column.kind == .text ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB
                        bind.pointee.buffer = slices[c].base.map { UnsafeMutableRawPointer($0 + (start(c, row) - slices[c].low)) }
                        bind.pointee.buffer_length = UInt(length)
                        bind.pointee.length = arena.copy([UInt(length)])
                    }
                }
            }
            return try body(binds)
        }
    }
}

/// Memory for one execute's binds, freed with the arena.
///
/// Only lent through ``with(_:)``: an arena held in a local could be freed right
/// after its last use in the source, before the execute that reads its binds.
final class BindArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    private init() {}

    deinit {
        blocks.forEach { free($0) }
    }

    /// Runs `body` with a new arena that lives until `body` returns.
    @discardableResult
    static func with<R>(_ body: (BindArena) throws -> R) rethrows -> R {
        let arena = BindArena()
        return try withExtendedLifetime(arena) { try body(arena) }
    }

    func binds(_ count: Int) -> UnsafeMutablePointer<MYSQL_BIND> {
        let raw = calloc(max(count, 1), MemoryLayout<MYSQL_BIND>.stride)!
        blocks.append(raw)
        return raw.bindMemory(to: MYSQL_BIND.self, capacity: count)
    }

    /// Binds for single values: each is an integer (`Int64`) or bytes (`[UInt8]`).
    func binds(values: [Any]) -> UnsafeMutablePointer<MYSQL_BIND> {
        let binds = binds(values.count)
        for (i, value) in values.enumerated() {
            if let number = value as? Int64 {
                binds[i].buffer_type = MYSQL_TYPE_LONGLONG
                binds[i].buffer = UnsafeMutableRawPointer(copy([number]))
            } else if let bytes = value as? [UInt8] {
                binds[i].buffer_type = MYSQL_TYPE_STRING
                binds[i].buffer = UnsafeMutableRawPointer(copy(bytes))
                binds[i].buffer_length = UInt(bytes.count)
                binds[i].length = copy([UInt(bytes.count)])
            }
        }
        return binds
    }

    /// A copy of `values` that lives as long as the arena (nil for no values of bytes).
    func copy<C: Collection>(_ values: C) -> UnsafeMutablePointer<C.Element>! {
        let raw = malloc(max(values.count, 1) * MemoryLayout<C.Element>.stride)!
        blocks.append(raw)
        let typed = raw.bindMemory(to: C.Element.self, capacity: max(values.count, 1))
        _ = UnsafeMutableBufferPointer(start: typed, count: values.count).initialize(from: values)
        return typed
    }
}
