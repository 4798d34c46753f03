/// The targets of one address family (IPv4 or IPv6), each with the id of the
/// one decision that holds it, arranged for the two LAPI lookups:
/// - containing a block: one hash table per prefix length keyed by the masked
///   network, so a lookup costs one probe per prefix length present (plus one
///   for the exact address), whatever the number of decisions;
/// - inside a block: every target sorted by first address, so a lookup is a
///   binary search and a scan of what it returns.
struct FamilyIndex {
    /// One entry of the sorted list: a target's first address, its prefix length
    /// and its decision's id (unique, so equal starts stay distinct).
    struct StartKey: Comparable {
        let first: UInt128
        let id: Int64
        let prefixLength: Int

        static func < (a: StartKey, b: StartKey) -> Bool {
            (a.first, a.id) < (b.first, b.id)
        }

        static func == (a: StartKey, b: StartKey) -> Bool {
            a.first == b.first && a.id == b.id
        }
    }

    let width: Int
    /// Ip decisions by address.
    private var addresses: [UInt128: Int64] = [:]
    /// Range decisions by prefix length, then by network.
    private var ranges: [[UInt128: Int64]]
    /// The prefix lengths that hold at least one range, ascending.
    private var prefixLengths: [Int] = []
    /// `networkMask` of each prefix length, computed once.
    private let masks: [UInt128]
    private var byStart = SortedChunks<StartKey>()

    init(width: Int) {
        self.width = width
        ranges = Array(repeating: [:], count: width + 1)
        masks = (0...width).map { Block.networkMask(width: width, prefixLength: $0) }
    }

    var count: Int { byStart.count }

    /// The id of the decision holding exactly this target.
    func id(of block: Block) -> Int64? {
        block.isRange ? ranges[block.prefixLength][block.first] : addresses[block.first]
    }

    /// Records that decision `id` holds `block`, which no other decision holds.
    mutating func insert(_ block: Block, id: Int64) {
        if block.isRange {
            if ranges[block.prefixLength].isEmpty {
                prefixLengths.insert(block.prefixLength, at: prefixLengths.firstIndex { $0 > block.prefixLength } ?? prefixLengths.count)
            }
            ranges[block.prefixLength][block.first] = id
        } else {
            addresses[block.first] = id
        }
        byStart.insert(StartKey(first: block.first, id: id, prefixLength: block.prefixLength))
    }

    /// Forgets that decision `id` holds `block`.
    mutating func remove(_ block: Block, id: Int64) {
        if block.isRange {
            ranges[block.prefixLength][block.first] = nil
            if ranges[block.prefixLength].isEmpty { prefixLengths.removeAll { $0 == block.prefixLength } }
        } else {
            addresses[block.first] = nil
        }
        byStart.remove(StartKey(first: block.first, id: id, prefixLength: block.prefixLength))
    }

    /// Calls `body` with the id of every target that covers `block`: the ranges of
    /// a prefix length up to the block's whose network is the block's masked, and
    /// the address itself when the block is one address.
    func forEachCovering(_ block: Block, _ body: (Int64) -> Void) {
        if block.prefixLength == width, let id = addresses[block.first] { body(id) }
        for prefixLength in prefixLengths {
            guard prefixLength <= block.prefixLength else { break }
            if let id = ranges[prefixLength][block.first & masks[prefixLength]] { body(id) }
        }
    }

    /// Calls `body` with the id of every target inside `block` (the block itself included).
    func forEachInside(_ block: Block, _ body: (Int64) -> Void) {
        let last = block.last
        byStart.forEach(from: StartKey(first: block.first, id: .min, prefixLength: 0)) { key in
            guard key.first <= last else { return false }
            // Blocks nest or are disjoint: a target starting inside ends inside unless it is
            // larger than `block` (then it starts at the same address and covers it).
            if key.prefixLength >= block.prefixLength { body(key.id) }
            return true
        }
    }
}
