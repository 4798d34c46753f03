/// The targets of one address family (IPv4 or IPv6), each with the first slot of
/// the decisions that hold it (the index chains the others), arranged for the two
/// LAPI lookups:
/// - containing a block: one hash table per prefix length keyed by the masked
///   network, so a lookup costs one probe per prefix length present (plus one
///   for the exact address), whatever the number of decisions;
/// - inside a block: every target sorted by first address, so a lookup is a
///   binary search and a scan of what it returns.
struct FamilyIndex<Key: NetworkKey>: Sendable {
    /// One entry of the sorted list: a target's first address, its prefix length
    /// and its decision's slot (unique, so equal starts stay distinct). The address
    /// in the family's key: 12 bytes for IPv4, 24 for IPv6.
    struct StartKey: Comparable, Sendable {
        let first: Key
        let slot: Int32
        let prefixLength: UInt8

        init(first: UInt128, slot: Int32, prefixLength: Int) {
            self.first = Key(bits: first)
            self.slot = slot
            self.prefixLength = UInt8(prefixLength)
        }

        /// `first` as bits, to compare with a block's last address.
        var firstBits: UInt128 {
            let halves = first.halves
            return UInt128(halves.high) << 64 | UInt128(halves.low)
        }

        static func < (a: StartKey, b: StartKey) -> Bool {
            a.first < b.first || (a.first == b.first && a.slot < b.slot)
        }

        static func == (a: StartKey, b: StartKey) -> Bool {
            a.first == b.first && a.slot == b.slot
        }
    }

    let width: Int
    /// Ip decisions by address.
    private var addresses = NetworkTable<Key>()
    /// Range decisions by prefix length, then by network.
    private var ranges: [NetworkTable<Key>]
    /// The prefix lengths that hold at least one range, ascending.
    private var prefixLengths: [Int] = []
    /// `networkMask` of each prefix length, computed once.
    private let masks: [UInt128]
    private var byStart = SortedChunks<StartKey>()

    init(width: Int) {
        self.width = width
        ranges = (0...width).map { _ in NetworkTable<Key>() }
        masks = (0...width).map { Block.networkMask(width: width, prefixLength: $0) }
    }

    /// The first slot of the decisions holding exactly this target.
    func slot(of block: Block) -> Int32? {
        block.isRange ? ranges[block.prefixLength][Key(bits: block.first)] : addresses[Key(bits: block.first)]
    }

    /// Records that `slot` is the first of the decisions holding `block` (replacing the one recorded).
    mutating func insert(_ block: Block, slot: Int32) {
        if block.isRange {
            if ranges[block.prefixLength].isEmpty {
                let position = prefixLengths.firstIndex { $0 > block.prefixLength } ?? prefixLengths.count
                prefixLengths.insert(block.prefixLength, at: position)
            }
            ranges[block.prefixLength].set(Key(bits: block.first), slot: slot)
        } else {
            addresses.set(Key(bits: block.first), slot: slot)
        }
        byStart.insert(StartKey(first: block.first, slot: slot, prefixLength: block.prefixLength))
    }

    /// Forgets `block`, whose first slot was `slot`.
    mutating func remove(_ block: Block, slot: Int32) {
        if block.isRange {
            ranges[block.prefixLength].remove(Key(bits: block.first))
            if ranges[block.prefixLength].isEmpty { prefixLengths.removeAll { $0 == block.prefixLength } }
        } else {
            addresses.remove(Key(bits: block.first))
        }
        byStart.remove(StartKey(first: block.first, slot: slot, prefixLength: block.prefixLength))
    }

    /// Calls `body` with the slot of every target that covers `block`: the ranges of
    /// a prefix length up to the block's whose network is the block's masked, and
    /// the address itself when the block is one address.
    func forEachCovering(_ block: Block, _ body: (Int32) -> Void) {
        if block.prefixLength == width, let slot = addresses[Key(bits: block.first)] { body(slot) }
        for prefixLength in prefixLengths {
            guard prefixLength <= block.prefixLength else { break }
            if let slot = ranges[prefixLength][Key(bits: block.first & masks[prefixLength])] { body(slot) }
        }
    }

    /// Calls `body` with the slot of every target inside `block` (the block itself included).
    func forEachInside(_ block: Block, _ body: (Int32) -> Void) {
        let last = block.last
        byStart.forEach(from: StartKey(first: block.first, slot: .min, prefixLength: 0)) { key in
            guard key.firstBits <= last else { return false }
            // Blocks nest or are disjoint: a target starting inside ends inside unless it is
            // larger than `block` (then it starts at the same address and covers it).
            if Int(key.prefixLength) >= block.prefixLength { body(key.slot) }
            return true
        }
    }
}
