import WardenEngine
import WardenModel

/// The data shape shared with the raw C programs (`Benchmarks/raw/*.c`): N rows over
/// N/2 distinct IPv4 targets in scrambled order, row i created at T-(N-i) s, one row
/// in four already expired.
struct BenchData {
    let n: Int
    /// Now, in whole seconds, as the raw C programs take it.
    let nowSeconds: Int64

    var distinct: Int { max(n / 2, 1) }

    /// The i-th target: a bijective scramble of i mod N/2 (same as the C `target_of`).
    func address(_ i: Int) -> IPAddress {
        IPAddress(v4: UInt32(truncatingIfNeeded: (i % distinct) + 1) &* 2_654_435_761)
    }

    /// The signal of row i, as the daemon or `ban add` would build it.
    func signal(_ i: Int) -> SignalOrder {
        let until = i % 4 == 0 ? nowSeconds - 60 : nowSeconds + 3600 * Int64(1 + i % 24)
        let created = (nowSeconds - Int64(n - i)) * 1_000_000_000
        return signal(target: address(i), untilNs: until * 1_000_000_000, createdNs: created)
    }

    /// A ban of `target` recorded at `createdNs` that ends at `untilNs` (which may be past).
    func signal(target: IPAddress, untilNs: Int64, createdNs: Int64) -> SignalOrder {
        Signals.manual(
            ManualBan(target: .ip(target), durationNs: untilNs - createdNs, reason: "ssh bruteforce", origin: "local"),
            at: createdNs)
    }
}
