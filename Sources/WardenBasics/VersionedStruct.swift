import CWardenBackend

/// Reads versioned struct number `index` of an ABI array whose elements are `stride`
/// bytes apart, the way `warden_backend.h` (VERSIONING) asks every reader to: into a
/// zeroed `T` of this build's layout, copying the first `min(stride, size of T)` bytes.
/// Members the writer lacks read as zero, members this build lacks are skipped.
///
/// For one struct rather than an array, pass its `struct_size` as `stride` and
/// index 0. Check `stride` against the struct's `*_V1_0_SIZE` first: this trusts it.
public func loadVersioned<T: BitwiseCopyable>(
    _ type: T.Type, from items: UnsafeRawPointer, stride: Int, index: Int = 0
) -> T {
    withUnsafeTemporaryAllocation(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment) { local in
        warden_copy_versioned(local.baseAddress, local.count, items, stride, index)
        return local.load(as: T.self)
    }
}

