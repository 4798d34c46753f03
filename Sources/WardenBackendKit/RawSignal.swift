import CWardenBackend
import WardenBasics

/// The host's signal as ABI structs, borrowed for one ``BanBackend/insert(raw:)`` call.
///
/// The SDK checks it before the backend sees it: a signal, ban stride or event stride
/// below ABI 1.0's minimum is refused with `WARDEN_E_ABI`. Every struct is then read
/// into this SDK's own layout (`warden_backend.h`, VERSIONING), so a host built against
/// another 1.x minor is read right: members it lacks read as zero or empty, members it
/// has beyond this SDK's are skipped. Strings stay borrowed until the call returns.
public struct RawSignal {
    /// The signal's own members. Its `bans` and `events` are the host's raw arrays:
    /// read them through ``bans`` and ``events``, which follow the host's strides.
    public let fields: warden_signal_t
    /// The signal's bans, `ban_stride` bytes apart.
    public let bans: VersionedArray<warden_ban_t>
    /// The signal's events, `event_stride` bytes apart.
    public let events: VersionedArray<warden_event_t>

    /// Checks the sizes the host declared and reads the signal's members.
    /// - Throws: ``BackendError`` `.abi` naming the size that is too small.
    init(checking signal: UnsafePointer<warden_signal_t>?) throws(BackendError) {
        guard let signal else {
            throw BackendError(.abi, "the host passed a NULL signal; a host must pass one; report the bug to the host's authors")
        }
        let size = Int(signal.pointee.struct_size)
        guard size >= WARDEN_SIGNAL_V1_0_SIZE else {
            throw BackendError(
                .abi, "the host sent a signal of \(size) bytes; ABI 1.0 signals are at least "
                    + "\(WARDEN_SIGNAL_V1_0_SIZE) bytes; rebuild the host against warden_backend.h 1.x")
        }
        let s = loadVersioned(warden_signal_t.self, from: signal, stride: size)
        fields = s
        bans = try VersionedArray(s.bans, count: s.ban_count, stride: s.ban_stride, minimum: WARDEN_BAN_V1_0_SIZE,
                                  plural: "bans", strideName: "ban_stride")
        events = try VersionedArray(
            s.events, count: s.event_count, stride: s.event_stride, minimum: WARDEN_EVENT_V1_0_SIZE, plural: "events",
            strideName: "event_stride")
    }
}

/// An ABI array of versioned structs, such as a signal's bans: `count` elements laid
/// out `stride` bytes apart by the writer. Element `i` is read from `i * stride` into
/// this SDK's layout, never indexed with this SDK's own size.
public struct VersionedArray<Element: BitwiseCopyable>: RandomAccessCollection {
    private let base: UnsafeRawPointer?
    /// Bytes from one element to the next, as the writer declared.
    public let stride: Int
    public let count: Int

    /// Refuses a stride below `minimum` when there is something to read.
    fileprivate init(
        _ base: UnsafeRawPointer?, count: Int, stride: Int, minimum: Int, plural: String, strideName: String
    ) throws(BackendError) {
        guard count == 0 || stride >= minimum else {
            throw BackendError(
                .abi, "the host sent \(plural) \(stride) bytes apart (\(strideName)); ABI 1.0 \(plural) are at least "
                    + "\(minimum) bytes; rebuild the host against warden_backend.h 1.x")
        }
        self.base = base
        self.count = count
        self.stride = stride
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "index \(position) out of \(count) elements")
        return loadVersioned(Element.self, from: base!, stride: stride, index: position)
    }
}
