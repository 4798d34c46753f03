import Glibc

/// How the daemon's heap hands memory back to the kernel.
///
/// glibc raises its mmap threshold each time a large mapped block is freed (up to 32 MiB),
/// so after the first big read the daemon's transient buffers (the change feed of a
/// million bans, a rendered startup answer, an import's body) come from the heap, and the
/// holes they leave between long-lived decisions are never returned: measured at a million
/// decisions, 316 MB resident against 240 MB with a fixed threshold (peak 344 against
/// 262 MB). A fixed 1 MiB threshold gives every buffer that large its own mapping,
/// unmapped when freed. A threshold the environment sets (`MALLOC_MMAP_THRESHOLD_`, or
/// `glibc.malloc.mmap_threshold` in `GLIBC_TUNABLES`) is left as set.
enum HeapPolicy {
    static let mmapThreshold: Int32 = 1 << 20
    /// `M_MMAP_THRESHOLD` of glibc's <malloc.h>, which Swift's Glibc module does not import
    /// (nor `mallopt`, looked up by name instead).
    private static let mmapThresholdParameter: Int32 = -3

    static func apply() {
        let tunables = getenv("GLIBC_TUNABLES").map { String(cString: $0) } ?? ""
        guard getenv("MALLOC_MMAP_THRESHOLD_") == nil, !tunables.contains("mmap_threshold"),
            let symbol = dlsym(nil, "mallopt")
        else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(mmapThresholdParameter, mmapThreshold)
    }
}
