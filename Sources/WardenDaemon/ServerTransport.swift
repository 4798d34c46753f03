import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import WardenConfig
import WardenMetrics

/// Plain HTTP, or HTTPS with the PEM certificate chain and key of `api.server.tls`; either
/// way each connection kept within `api.server`'s ``ServerLimits`` by a ``ConnectionGuard``.
enum ServerTransport {
    /// The server builder for `config`, counting connections per address in `addresses`.
    /// - Throws: ``DaemonError`` naming the file when a certificate or key cannot be used.
    static func builder(
        for config: APIConfig, addresses: AddressTable, metrics: DaemonMetrics
    ) throws(DaemonError) -> HTTPServerBuilder {
        let limits = config.limits
        let http1 = HTTPServerBuilder.http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [ConnectionGuard(limits: limits, addresses: addresses, metrics: metrics)]))
        guard let tls = config.tls else { return http1 }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certificateFile)
        } catch {
            throw DaemonError(
                "cannot use the TLS certificate \(tls.certificateFile): \(error); give a PEM certificate chain in api.server.tls.cert_file")
        }
        guard !chain.isEmpty else {
            throw DaemonError("the TLS certificate file \(tls.certificateFile) holds no certificate; give a PEM certificate chain")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
        } catch {
            throw DaemonError("cannot use the TLS key \(tls.keyFile): \(error); give its PEM private key in api.server.tls.key_file")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try .tls(http1, tlsConfiguration: configuration)
        } catch {
            throw DaemonError("cannot set up TLS with \(tls.certificateFile) and \(tls.keyFile): \(error)")
        }
    }
}
