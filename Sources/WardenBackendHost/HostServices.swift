import CWardenBackend
import Logging
import WardenBasics

/// What the host offers one instance through `warden_host_t`: its logger,
/// tagged with the instance's name, and the clock.
final class HostServices: @unchecked Sendable {
    let logger: Logger
    let clock: @Sendable () -> Int64

    init(logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.logger = logger
        self.clock = clock
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
