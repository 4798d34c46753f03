/// A sorted set kept as a list of sorted chunks of at most `chunkLimit`
/// elements, with each chunk's largest element beside it: insert and remove cost
/// a binary search plus a move within one chunk (O(log n + chunkLimit)), and a
/// scan from a bound costs O(log n + k). Plain arrays, so no node per element.
struct SortedChunks<Element: Comparable & Sendable>: Sendable {
    private var chunks: [[Element]] = []
    /// `chunks[i].last`, for the binary search over chunks.
    private var maxima: [Element] = []
    private(set) var count = 0
    private let chunkLimit: Int

    init(chunkLimit: Int = 512) {
        self.chunkLimit = chunkLimit
    }

    mutating func insert(_ element: Element) {
        guard !chunks.isEmpty else {
            chunks = [[element]]
            maxima = [element]
            count = 1
            return
        }
        let c = min(Self.firstIndex(in: maxima, notBelow: element), chunks.count - 1)
        let i = Self.firstIndex(in: chunks[c], notBelow: element)
        chunks[c].insert(element, at: i)
        maxima[c] = chunks[c][chunks[c].count - 1]
        count += 1
        if chunks[c].count > 2 * chunkLimit {
            let upper = Array(chunks[c][chunkLimit...])
            chunks[c].removeSubrange(chunkLimit...)
            maxima[c] = chunks[c][chunkLimit - 1]
            chunks.insert(upper, at: c + 1)
            maxima.insert(upper[upper.count - 1], at: c + 1)
        }
    }

    /// Removes `element`; false when it was absent.
    @discardableResult
    mutating func remove(_ element: Element) -> Bool {
        let c = Self.firstIndex(in: maxima, notBelow: element)
        guard c < chunks.count else { return false }
        let i = Self.firstIndex(in: chunks[c], notBelow: element)
        guard i < chunks[c].count, chunks[c][i] == element else { return false }
        chunks[c].remove(at: i)
        count -= 1
        if chunks[c].isEmpty {
            chunks.remove(at: c)
            maxima.remove(at: c)
        } else {
            maxima[c] = chunks[c][chunks[c].count - 1]
        }
        return true
    }

    /// Calls `body` with each element not below `lower`, ascending, until it returns false.
    func forEach(from lower: Element, while body: (Element) -> Bool) {
        var c = Self.firstIndex(in: maxima, notBelow: lower)
        guard c < chunks.count else { return }
        var i = Self.firstIndex(in: chunks[c], notBelow: lower)
        while c < chunks.count {
            let chunk = chunks[c]
            while i < chunk.count {
                guard body(chunk[i]) else { return }
                i += 1
            }
            c += 1
            i = 0
        }
    }

    /// The index of the first element of `sorted` that is not below `element` (or its count).
    private static func firstIndex(in sorted: [Element], notBelow element: Element) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < element { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
