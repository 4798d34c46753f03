import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// gRPC to one plugin process over its unix socket (plain HTTP/2, as go-plugin serves
/// it without AutoMTLS). Every call carries a deadline: a plugin can hang for good.
final class PluginConnection: Sendable {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let running: Task<Void, Never>

    init(socketPath: String) throws {
        let transport = try HTTP2ClientTransport.Posix(
            target: .unixDomainSocket(path: socketPath), transportSecurity: .plaintext)
        let client = GRPCClient(transport: transport)
        self.client = client
        running = Task { try? await client.runConnections() }
    }

    /// `grpc.health.v1.Health/Check` for go-plugin's service `plugin`: true when SERVING.
    func isServing(timeout: Duration) async throws -> Bool {
        try await call(PluginWire.healthCheck, PluginWire.healthRequest, timeout: timeout) == PluginWire.serving
    }

    /// `proto.Notifier/Configure` with one notification's YAML.
    func configure(yaml: String, timeout: Duration) async throws {
        _ = try await call(PluginWire.configure, PluginWire.config(yaml: yaml), timeout: timeout)
    }

    /// `proto.Notifier/Notify`: `text` for the configuration called `name`.
    func notify(text: String, name: String, timeout: Duration) async throws {
        _ = try await call(PluginWire.notify, PluginWire.notification(text: text, name: name), timeout: timeout)
    }

    /// `plugin.GRPCController/Shutdown`. The plugin stops its server before it can answer,
    /// so the call "fails" with UNAVAILABLE by design: only the process's exit tells.
    func requestShutdown(timeout: Duration) async {
        _ = try? await call(PluginWire.shutdown, [], timeout: timeout)
    }

    /// Stops the client; calls still running fail.
    func close() {
        client.beginGracefulShutdown()
        running.cancel()
    }

    private func call(_ method: MethodDescriptor, _ message: [UInt8], timeout: Duration) async throws -> [UInt8] {
        var options = CallOptions.defaults
        options.timeout = timeout
        // Fail at once when the socket refuses (a dead plugin): the supervisor restarts it.
        options.waitForReady = false
        return try await client.unary(
            request: ClientRequest(message: message), descriptor: method, serializer: RawBytesSerializer(),
            deserializer: RawBytesDeserializer(), options: options
        ) { try $0.message }
    }
}
