import Glibc
import NIOCore
import ServiceLifecycle

/// One of the daemon's servers (the Local API, the metrics endpoint) as a service whose
/// failure to listen says which server, which address and which key to change; NIO's
/// own text names neither, and the daemon then exits 64 instead of 0.
struct Listener<Server: Service>: Service {
    let server: Server
    /// `the Local API`, `Prometheus metrics`.
    let what: String
    let host: String
    let port: Int
    /// The config key that sets the address.
    let key: String

    func run() async throws {
        do {
            try await server.run()
        } catch let error as IOError {
            let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            throw DaemonError(
                "cannot serve \(what) on \(address): \(String(cString: strerror(error.errnoCode))); change \(key), or stop what holds that address")
        }
    }
}
