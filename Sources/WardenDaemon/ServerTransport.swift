import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import WardenConfig
import WardenMetrics

/// Plain HTTP, or HTTPS with the PEM certificate chain and key of `api.server.tls` and its
/// client-certificate policy (``ClientCertificates``); either way each connection kept
/// within `api.server`'s ``ServerLimits`` by a ``ConnectionGuard``.
enum ServerTransport {
    /// Plain HTTP/1.1 within `config`'s limits: the unix socket's transport, and the base of TLS.
    static func plain(for config: APIConfig, addresses: AddressTable, metrics: DaemonMetrics) -> HTTPServerBuilder {
        .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [ConnectionGuard(limits: config.limits, addresses: addresses, metrics: metrics)]))
    }

    /// The server builder for `config`, counting connections per address in `addresses`.
    /// - Throws: ``DaemonError`` naming the file when a certificate or key cannot be used.
    static func builder(
        for config: APIConfig, addresses: AddressTable, metrics: DaemonMetrics
    ) throws(DaemonError) -> HTTPServerBuilder {
        let http1 = plain(for: config, addresses: addresses, metrics: metrics)
        guard let tls = config.tls else { return http1 }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certificateFile)
        } catch {
            throw DaemonError(
                "cannot use the TLS certificate \(tls.certificateFile): \(error); give a PEM certificate chain in api.server.tls.cert_file")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
        } catch {
            throw DaemonError("cannot use the TLS key \(tls.keyFile): \(error); give its PEM private key in api.server.tls.key_file")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        let clients = tls.clientAuthentication
        if let caFile = clients.caFile {
            let authorities: [NIOSSLCertificate]
            do {
                authorities = try NIOSSLCertificate.fromPEMFile(caFile)
            } catch {
                throw DaemonError(
                    "cannot use the client CA file \(caFile): \(error); give the PEM certificates of the CAs that sign client certificates in api.server.tls.ca_cert_path")
            }
            configuration.trustRoots = .certificates(authorities)
            configuration.sendCANameList = true
        }
        switch clients.verification {
        case .noClientCert, .requestClientCert:
            configuration.certificateVerification = .none
        case .verifyClientCertIfGiven:
            configuration.certificateVerification = .optionalVerification
        case .requireAndVerifyClientCert, .requireAnyClientCert:
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            if clients.verification == .requireAnyClientCert {
                // Any certificate passes the handshake; ClientCertificateCheck lets none authenticate.
                return try .tls(
                    http1,
                    configuration: TLSChannelConfiguration(
                        tlsConfiguration: configuration, customVerificationCallback: { _, promise in promise.succeed(.certificateVerified) }))
            }
            return try .tls(http1, tlsConfiguration: configuration)
        } catch {
            throw DaemonError("cannot set up TLS with \(tls.certificateFile) and \(tls.keyFile): \(error)")
        }
    }
}
