import Hummingbird
import NIOCore

/// What a request carries through the API's middleware: the peer's address, and the
/// bouncer its key identified, or the machine its token identified, once checked.
public struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection, for its TLS client certificate (nil in in-process tests).
    public let channel: Channel?
    /// The authenticated bouncer's name, set by ``BouncerAuthMiddleware``.
    public var bouncer: String?
    /// The authenticated machine's name, set by ``MachineAuthMiddleware``.
    public var machine: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The peer's IP address as text (empty when unknown). A peer on the unix socket
    /// (`api.server.listen_socket`) is on this host: it is known as 127.0.0.1.
    var peerAddress: String {
        if case .unixDomainSocket? = remoteAddress { return "127.0.0.1" }
        return remoteAddress?.ipAddress ?? ""
    }
}
