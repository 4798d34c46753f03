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
    /// The address as the config gives it: `127.0.0.1:8080`, `[::1]:8080`, a socket's path.
    let address: String
    /// The config key that sets the address.
    let key: String

    init(server: Server, what: String, address: String, key: String) {
        self.server = server
        self.what = what
        self.address = address
        self.key = key
    }

    /// A server on `host:port` (brackets around an IPv6 host in messages).
    init(server: Server, what: String, host: String, port: Int, key: String) {
        self.init(server: server, what: what, address: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)", key: key)
    }

    func run() async throws {
        do {
            try await server.run()
        } catch let error as IOError {
            throw DaemonError(
                "cannot serve \(what) on \(address): \(String(cString: strerror(error.errnoCode))); change \(key), or stop what holds that address")
        }
    }
}
