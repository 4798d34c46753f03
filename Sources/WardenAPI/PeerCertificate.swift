import NIOCore
import NIOSSL
import WardenCertificates

/// What a request's TLS client certificate says of its client.
enum PeerCertificate: Sendable, Equatable {
    /// No certificate (plain HTTP, or a TLS client that presented none): keys and passwords apply.
    case absent
    /// A certificate that identifies the client: its CN.
    case identified(commonName: String)
    /// A certificate that does not: why, for the log. LAPI then refuses the request, even
    /// with a valid key.
    case refused(String)

    /// The certificate the client of `context` presented in the TLS handshake, checked by
    /// `check` for `role`; `.absent` when there is no `check` (no TLS) or no certificate.
    static func of(
        _ context: APIRequestContext, check: ClientCertificateCheck?, role: ClientRole, nowNs: Int64
    ) async -> PeerCertificate {
        guard let check, let channel = context.channel,
              let certificate = try? await channel.nioSSL_peerCertificate().get()
        else { return .absent }
        let der: [UInt8]
        do {
            der = try certificate.toDERBytes()
        } catch {
            return .refused("cannot read the client certificate: \(error)")
        }
        switch check.identify(certificate: der, as: role, nowNs: nowNs) {
        case .success(let name): return .identified(commonName: name)
        case .failure(let refusal): return .refused(refusal.description)
        }
    }
}
