/// A hash table from a network's bits to a slot number, made for the lookup
/// path: open addressing with linear probing at most half full, a seeded
/// multiply-fold hash of the two 64-bit halves (far cheaper than SipHash), and
/// deletion by shifting back the entries after the hole, so no tombstones.
///
/// The seed is random per table, so a list of banned addresses chosen to
/// collide in one process does not collide in another.
struct NetworkTable<Key: NetworkKey>: Sendable {
    private struct Bucket: Sendable {
        var key: Key
        /// -1 when empty.
        var slot: Int32
    }

    private var buckets: [Bucket]
    private var mask: Int
    private let seed: (UInt64, UInt64)
    private(set) var count = 0

    init() {
        buckets = Array(repeating: Bucket(key: Key(bits: 0), slot: -1), count: 8)
        mask = 7
        var random = SystemRandomNumberGenerator()
        seed = (random.next(), random.next())
    }

    var isEmpty: Bool { count == 0 }

    private func home(of key: Key) -> Int {
        // wyhash's mix: each half xor a secret word, one 64×64→128 multiplication, the halves folded.
        let halves = key.halves
        let (hi, lo) = (halves.low ^ seed.1).multipliedFullWidth(by: halves.high ^ seed.0)
        return Int(truncatingIfNeeded: hi ^ lo) & mask
    }

    subscript(key: Key) -> Int32? {
        var i = home(of: key)
        while true {
            let bucket = buckets[i]
            if bucket.slot < 0 { return nil }
            if bucket.key == key { return bucket.slot }
            i = (i + 1) & mask
        }
    }

    /// Sets the slot of `key` (replacing its previous slot).
    mutating func set(_ key: Key, slot: Int32) {
        if (count + 1) * 2 > buckets.count { grow() }
        var i = home(of: key)
        while buckets[i].slot >= 0 {
            if buckets[i].key == key {
                buckets[i].slot = slot
                return
            }
            i = (i + 1) & mask
        }
        buckets[i] = Bucket(key: key, slot: slot)
        count += 1
    }

    /// Removes `key`, then moves back each following entry that the hole cut off from its home.
    mutating func remove(_ key: Key) {
        var hole = home(of: key)
        while buckets[hole].key != key || buckets[hole].slot < 0 {
            if buckets[hole].slot < 0 { return }
            hole = (hole + 1) & mask
        }
        buckets[hole].slot = -1
        count -= 1
        var next = (hole + 1) & mask
        while buckets[next].slot >= 0 {
            let wanted = home(of: buckets[next].key)
            // The entry at `next` may fill the hole when its home is not in (hole, next], cyclically.
            let reachable = hole <= next ? (wanted <= hole || wanted > next) : (wanted <= hole && wanted > next)
            if reachable {
                buckets[hole] = buckets[next]
                buckets[next].slot = -1
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: Bucket(key: Key(bits: 0), slot: -1), count: old.count * 2)
        mask = buckets.count - 1
        count = 0
        for bucket in old where bucket.slot >= 0 { set(bucket.key, slot: bucket.slot) }
    }
}
