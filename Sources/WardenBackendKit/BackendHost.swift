import CWardenBackend
import WardenBasics

/// The log levels of the ABI (`WARDEN_LOG_*`).
public enum LogLevel: Int32, Sendable {
    case trace = 0, debug, info, warning, error
}

/// The host's services, as given to ``BanBackend/init(host:)``: its log, its clock and
/// (ABI 1.3) its counters.
///
/// Both are thread-safe by the ABI's contract, so a backend may use them from its
/// own threads until its ``BanBackend/shutdown()`` returns.
public struct BackendHost: @unchecked Sendable {
    /// The host's members, read once into this SDK's layout (the host's struct may be
    /// another 1.x minor's; its callbacks never change).
    private let host: warden_host_t

    /// Reads a host struct whose size ``exportBackend(_:host:out:err:errLen:)`` checked.
    init(raw: UnsafePointer<warden_host_t>) {
        host = loadVersioned(warden_host_t.self, from: raw, stride: Int(raw.pointee.struct_size))
    }

    /// Writes one line to the host's log, tagged with this instance's name.
    public func log(_ level: LogLevel, _ message: String) {
        guard let log = host.log else { return }
        var message = message
        message.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                log(host.host_data, level.rawValue, warden_str_t(ptr: chars.baseAddress, len: chars.count))
            }
        }
    }

    /// Adds `n` to this instance's counter `event` (1 to 32 bytes of `[a-z0-9_]`), which the
    /// host exports as a metric (Warden: `warden_backend_events_total{backend, event}`). Does
    /// nothing on a host before ABI 1.3.
    public func count(_ event: StaticString, by n: Int = 1) {
        guard let count = host.count, n > 0 else { return }
        event.withUTF8Buffer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                count(host.host_data, warden_str_t(ptr: chars.baseAddress, len: chars.count), UInt64(n))
            }
        }
    }

    /// The host's clock, in ns since the Unix epoch. Use it for every "now".
    public func now() -> Int64 {
        guard let now = host.now_ns else { return 0 }
        return now(host.host_data)
    }
}
