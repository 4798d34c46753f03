import CWardenBackend
import Logging
import Synchronization
import WardenBasics

/// What the host offers one instance through `warden_host_t`: its logger,
/// tagged with the instance's name, the clock, and its event counters (ABI 1.3).
final class HostServices: @unchecked Sendable {
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// Where a valid `count` call goes: the event's name and how many.
    let count: (@Sendable (String, UInt64) -> Void)?
    /// The event names this instance counted so far (at most ``maximumEvents``).
    private let events = Mutex<Set<String>>([])
    /// The names it ignored, each warned about once.
    private let ignored = Mutex<Set<String>>([])
    /// How many distinct event names an instance may count: each is a metric series.
    static let maximumEvents = 16

    init(logger: Logger, clock: @escaping @Sendable () -> Int64, count: (@Sendable (String, UInt64) -> Void)? = nil) {
        self.logger = logger
        self.clock = clock
        self.count = count
    }

    /// Passes one `count` call on when its name is 1 to 32 bytes of `[a-z0-9_]` and one of
    /// the instance's first ``maximumEvents`` names; warns once for each name it ignores.
    func count(_ event: warden_str_t, _ n: UInt64) {
        let bytes = event.ptr == nil ? UnsafeRawBufferPointer(start: nil, count: 0)
            : UnsafeRawBufferPointer(start: event.ptr, count: event.len)
        let valid = (1...32).contains(bytes.count)
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        let name = String(decoding: bytes.prefix(64), as: UTF8.self)
        let admitted = valid && events.withLock { names in
            if names.contains(name) { return true }
            guard names.count < Self.maximumEvents else { return false }
            names.insert(name)
            return true
        }
        guard admitted else {
            let first = ignored.withLock { names in names.count < 64 && names.insert(name).inserted }
            if first {
                logger.warning("the backend counted event '\(name)', which is not 1 to 32 of a-z, 0-9 and _, or past its first \(Self.maximumEvents) names; ignored")
            }
            return
        }
        count?(name, n)
    }

    /// A host struct pointing at `self`, valid until ``release(_:)``.
    func makeHostStruct() -> UnsafeMutablePointer<warden_host_t> {
        let host = UnsafeMutablePointer<warden_host_t>.allocate(capacity: 1)
        host.initialize(to: warden_host_t(
            magic: WARDEN_ABI_MAGIC, struct_size: UInt32(MemoryLayout<warden_host_t>.size),
            abi_major: WARDEN_ABI_VERSION_MAJOR, abi_minor: WARDEN_ABI_VERSION_MINOR,
            host_data: Unmanaged.passRetained(self).toOpaque(),
            log: { data, level, message in
                let services = Unmanaged<HostServices>.fromOpaque(data!).takeUnretainedValue()
                let text = String(message)
                switch level {
                case WARDEN_LOG_TRACE: services.logger.trace("\(text)")
                case WARDEN_LOG_DEBUG: services.logger.debug("\(text)")
                case WARDEN_LOG_INFO: services.logger.info("\(text)")
                case WARDEN_LOG_WARNING: services.logger.warning("\(text)")
                default: services.logger.error("\(text)")
                }
            },
            now_ns: { data in
                Unmanaged<HostServices>.fromOpaque(data!).takeUnretainedValue().clock()
            },
            count: { data, event, n in
                Unmanaged<HostServices>.fromOpaque(data!).takeUnretainedValue().count(event, n)
            }))
        return host
    }

    /// Frees a struct made by ``makeHostStruct()`` and its reference to the services.
    static func release(_ host: UnsafeMutablePointer<warden_host_t>) {
        Unmanaged<HostServices>.fromOpaque(host.pointee.host_data).release()
        host.deinitialize(count: 1)
        host.deallocate()
    }
}
