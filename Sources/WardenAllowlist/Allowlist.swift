import WardenModel

/// The addresses and blocks Warden never bans, indexed for a lookup in O(log n):
/// every path that creates a ban asks ``match(_:)`` first.
///
/// A ban is refused when its target shares any address with an entry: an address
/// inside an allowlisted block, or a block that contains an allowlisted address
/// (so `0.0.0.0/0` and `::/0` are refused while loopback is allowlisted). CIDR
/// blocks are either nested or disjoint, so "shares an address" is all there is.
public struct Allowlist: Sendable, Equatable {
    /// A named list (`[name] description` in the file): CrowdSec 1.6.9's allowlists.
    public struct List: Sendable, Equatable {
        public var name: String
        public var description: String

        public init(name: String, description: String = "") {
            self.name = name
            self.description = description
        }
    }

    /// The list of the entries before any `[name]` line.
    public static let defaultListName = "default"

    /// The entries in file order, expired ones included (see ``active(at:)``).
    public let entries: [AllowlistEntry]
    /// The named lists in file order, the default one first.
    public let lists: [List]
    private let ipv4: IntervalTable
    private let ipv6: IntervalTable

    /// What applies while the allowlist file does not exist: loopback, IPv4 and IPv6.
    public static let defaultEntries = [
        AllowlistEntry(target: .range(network: IPAddress(v4: 0x7F00_0000), prefixLength: 8), comment: "loopback (IPv4)"),
        AllowlistEntry(target: .ip(IPAddress(v6: 1)), comment: "loopback (IPv6)"),
    ]

    public init(_ entries: [AllowlistEntry], lists: [List] = []) {
        self.entries = entries
        var named = [List(name: Self.defaultListName)]
        for list in lists where !named.contains(where: { $0.name == list.name }) { named.append(list) }
        for entry in entries where !named.contains(where: { $0.name == entry.list }) { named.append(List(name: entry.list)) }
        self.lists = named
        let indexed = entries.indices.map { (index: $0, target: entries[$0].target) }
        ipv4 = IntervalTable(indexed.filter { $0.target.first.isIPv4 })
        ipv6 = IntervalTable(indexed.filter { !$0.target.first.isIPv4 })
    }

    /// The entry that forbids banning `target`, or nil when it may be banned.
    ///
    /// The target's own family is searched first. Addresses compare as the 128 bits
    /// the backends store (IPv4 in the IPv4-mapped space `::ffff:0:0/96`), so an IPv6
    /// block that spans that space, such as `::/0`, also meets the IPv4 entries.
    public func match(_ target: BanTarget) -> AllowlistEntry? {
        let (own, other) = target.first.isIPv4 ? (ipv4, ipv6) : (ipv6, ipv4)
        let low = target.first.bits, high = target.last.bits
        guard let index = own.overlapping(low, high) ?? other.overlapping(low, high) else { return nil }
        return entries[index]
    }

    /// Every entry that shares an address with `target`, in file order (a bulk check
    /// names every list that allowlists a value, as CrowdSec does).
    public func matches(_ target: BanTarget) -> [AllowlistEntry] {
        guard match(target) != nil else { return [] }
        let low = target.first.bits, high = target.last.bits
        return entries.filter { $0.target.first.bits <= high && low <= $0.target.last.bits }
    }

    /// The allowlist in force at `now`: without the entries expired by then.
    public func active(at now: Int64) -> Allowlist {
        guard entries.contains(where: { !$0.isActive(at: now) }) else { return self }
        return Allowlist(entries.filter { $0.isActive(at: now) }, lists: lists)
    }

    /// When the first of its entries that expire does, or nil when none does.
    public var nextExpiryNs: Int64? { entries.compactMap(\.expiresNs).min() }

    public static func == (a: Allowlist, b: Allowlist) -> Bool { a.entries == b.entries && a.lists == b.lists }
}

/// Intervals sorted by their first address, with the running maximum of their last
/// address, so "does any interval meet [low, high]?" is one binary search: among the
/// intervals that start at or before `high`, the one reaching furthest meets it if any does.
private struct IntervalTable: Sendable {
    private var starts: [UInt128] = []
    /// For each position: the furthest last address of the intervals up to it ...
    private var reach: [UInt128] = []
    /// ... and the entry index of the interval that reaches it.
    private var reacher: [Int] = []

    init(_ items: [(index: Int, target: BanTarget)]) {
        let sorted = items.sorted { ($0.target.first.bits, $0.index) < ($1.target.first.bits, $1.index) }
        for (index, target) in sorted {
            starts.append(target.first.bits)
            if let furthest = reach.last, furthest >= target.last.bits {
                reach.append(furthest)
                reacher.append(reacher.last!)
            } else {
                reach.append(target.last.bits)
                reacher.append(index)
            }
        }
    }

    /// The entry index of an interval sharing an address with [low, high], or nil.
    func overlapping(_ low: UInt128, _ high: UInt128) -> Int? {
        // The number of intervals whose start is <= high.
        var lower = 0, upper = starts.count
        while lower < upper {
            let middle = (lower + upper) / 2
            if starts[middle] <= high { lower = middle + 1 } else { upper = middle }
        }
        guard lower > 0, reach[lower - 1] >= low else { return nil }
        return reacher[lower - 1]
    }
}
