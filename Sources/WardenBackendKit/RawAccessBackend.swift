import CWardenBackend

/// A backend that reads the host's C structs directly, for speed.
///
/// The SDK's ``BanBackend/insert(_:)`` and ``BanBackend/read(at:into:)`` copy every
/// string into Swift values. A backend that binds strings straight into a
/// database can adopt this protocol: the SDK then routes the ABI's `insert` and
/// `read_at` here and never calls the copying versions. The ownership rules of
/// `warden_backend.h` apply unchanged: the signal and every string it points to
/// are borrowed for the call; each row passed to the sink is borrowed for that
/// sink call.
public protocol RawAccessBackend: BanBackend {
    /// Records a signal given as the ABI struct (already checked for its v1.0 size).
    func insert(raw signal: UnsafePointer<warden_signal_t>) throws

    /// Streams active rows as ABI structs; stop when `sink` returns false.
    func read(at: Int64, rawSink sink: (UnsafePointer<warden_ban_row_t>) -> Bool) throws
}

extension RawAccessBackend {
    /// Unused when the raw path exists; decodes for callers that want Swift values.
    public func insert(_ signal: Signal) throws {
        throw BackendError(.unsupported, "\(Self.name): insert takes the raw ABI path only")
    }

    /// Unused when the raw path exists.
    public func read(at: Int64, into sink: (BanRow) -> Bool) throws {
        throw BackendError(.unsupported, "\(Self.name): read_at takes the raw ABI path only")
    }
}

extension warden_str_t {
    /// The string's bytes, borrowed like the string itself.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: ptr, count: ptr == nil ? 0 : len)
    }
}
