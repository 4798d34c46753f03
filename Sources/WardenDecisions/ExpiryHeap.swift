/// A binary min-heap of (end time, decision) entries: the next decision to
/// expire is on top, so expiring k decisions costs O(k log n).
///
/// Removal is lazy: a removed or replaced decision's entry stays until it
/// reaches the top, where the index sees that it is stale (the slot no longer
/// holds the version added at `addedSeq`) and drops it.
struct ExpiryHeap {
    struct Entry {
        let untilNs: Int64
        let slot: Int32
        /// The sequence number at which this version of the decision was added.
        let addedSeq: UInt64
    }

    private var entries: [Entry] = []

    var count: Int { entries.count }
    var top: Entry? { entries.first }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        siftUp(entries.count - 1)
    }

    mutating func popTop() {
        guard !entries.isEmpty else { return }
        entries.swapAt(0, entries.count - 1)
        entries.removeLast()
        if !entries.isEmpty { siftDown(0) }
    }

    /// Keeps only the entries `isLive` accepts, rebuilding the heap in O(n).
    mutating func retain(where isLive: (Entry) -> Bool) {
        entries.removeAll { !isLive($0) }
        for i in stride(from: entries.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].untilNs < entries[parent].untilNs else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var smallest = parent
            let left = 2 * parent + 1, right = left + 1
            if left < entries.count && entries[left].untilNs < entries[smallest].untilNs { smallest = left }
            if right < entries.count && entries[right].untilNs < entries[smallest].untilNs { smallest = right }
            guard smallest != parent else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
