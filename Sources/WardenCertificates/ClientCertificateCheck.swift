import Foundation
import Synchronization
import WardenConfig
import X509

/// Which kind of client a certificate is asked to identify.
public enum ClientRole: Sendable {
    /// A bouncer: its certificate's OU must be in `bouncers_allowed_ou`.
    case bouncer
    /// An agent or `cscli`: its certificate's OU must be in `agents_allowed_ou`.
    case agent
}

/// Why a client certificate does not identify a client; `description` is for the log.
public struct ClientCertificateRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Decides whether a client certificate the TLS handshake accepted identifies a bouncer or
/// a machine, as CrowdSec's TLS authentication does: the certificate must have been verified
/// against the CAs (not only presented), be within its validity dates, carry an allowed OU
/// for the role, and not be revoked by `crl_path`. The answer is the certificate's CN.
///
/// The revocation list is read again on each check that the cache cannot answer, so a
/// replaced file takes effect within `cache_expiration`. An unreadable or malformed list
/// refuses every certificate: a check that cannot be made never lets a client in.
public final class ClientCertificateCheck: Sendable {
    private struct Verdict {
        var revoked: Bool
        var untilNs: Int64
    }

    private struct CacheKey: Hashable {
        var issuer: DistinguishedName
        var serial: [UInt8]
    }

    /// A certificate that identified a client: its CN, for which role, until when.
    private struct Identity {
        var commonName: String
        var role: ClientRole
        var untilNs: Int64
    }

    /// The settings this check applies.
    public let settings: ClientCertificates
    private let verdicts = Mutex<[CacheKey: Verdict]>([:])
    /// Certificates that identified a client, by their DER bytes: a bouncer presents the
    /// same certificate with every request, and parsing it each time would cost more than
    /// answering. Kept no longer than a revocation verdict, nor past the certificate's end.
    private let identities = Mutex<[[UInt8]: Identity]>([:])
    /// The most verdicts kept: beyond it the cache starts over (each client has one).
    static let cacheLimit = 65_536

    public init(settings: ClientCertificates) {
        self.settings = settings
    }

    /// The CN of `certificate` (DER) when it identifies a client of `role` at `nowNs`.
    public func identify(certificate der: [UInt8], as role: ClientRole, nowNs: Int64) -> Result<String, ClientCertificateRefusal> {
        if let known = identities.withLock({ $0[der] }), known.role == role, known.untilNs > nowNs {
            return .success(known.commonName)
        }
        let result = check(certificate: der, as: role, nowNs: nowNs)
        if case .success(let (name, notAfterNs)) = result, settings.cacheExpirationNs > 0 {
            identities.withLock { identities in
                if identities.count >= Self.cacheLimit { identities.removeAll() }
                identities[der] = Identity(commonName: name, role: role, untilNs: min(nowNs + settings.cacheExpirationNs, notAfterNs))
            }
        }
        return result.map(\.0)
    }

    /// The checks of ``identify(certificate:as:nowNs:)``; with the CN, when the certificate ends.
    private func check(
        certificate der: [UInt8], as role: ClientRole, nowNs: Int64
    ) -> Result<(String, Int64), ClientCertificateRefusal> {
        guard settings.verification.verifiesCertificates else {
            return .failure(ClientCertificateRefusal(
                "client_verification \(settings.verification.rawValue) checks no certificate, so none authenticates; "
                    + "use VerifyClientCertIfGiven or RequireAndVerifyClientCert"))
        }
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            return .failure(ClientCertificateRefusal("the client certificate cannot be parsed: \(error)"))
        }
        let allowed = role == .bouncer ? settings.bouncerOUs : settings.agentOUs
        let units = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.organizationalUnitName }
            .compactMap { String($0.value) }
        guard units.contains(where: allowed.contains) else {
            let key = role == .bouncer ? "bouncers_allowed_ou" : "agents_allowed_ou"
            return .failure(ClientCertificateRefusal(
                "the client certificate's OU [\(units.joined(separator: " "))] is not in \(key) [\(allowed.joined(separator: " "))]"))
        }
        let now = Date(timeIntervalSince1970: Double(nowNs) / 1e9)
        if certificate.notValidAfter < now {
            return .failure(ClientCertificateRefusal("the client certificate expired at \(certificate.notValidAfter)"))
        }
        if certificate.notValidBefore > now {
            return .failure(ClientCertificateRefusal("the client certificate is not valid before \(certificate.notValidBefore)"))
        }
        switch revoked(certificate, nowNs: nowNs) {
        case .failure(let refusal): return .failure(refusal)
        case .success(true): return .failure(ClientCertificateRefusal("the client certificate is revoked by \(settings.crlFile ?? "")"))
        case .success(false): break
        }
        let names = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }.compactMap { String($0.value) }
        guard let name = names.first, !name.isEmpty else {
            return .failure(ClientCertificateRefusal("the client certificate has no CN (common name) to name the client by"))
        }
        return .success((name, Int64(certificate.notValidAfter.timeIntervalSince1970 * 1e9)))
    }

    /// Whether the revocation list revokes `certificate`; a cached verdict while it lasts.
    private func revoked(_ certificate: Certificate, nowNs: Int64) -> Result<Bool, ClientCertificateRefusal> {
        guard let crlFile = settings.crlFile else { return .success(false) }
        let key = CacheKey(issuer: certificate.issuer, serial: RevocationList.normalized(certificate.serialNumber.bytes))
        if let verdict = verdicts.withLock({ $0[key] }), verdict.untilNs > nowNs { return .success(verdict.revoked) }
        let lists: [RevocationList]
        switch FileSystem.readBytes(crlFile) {
        case .failure(let error):
            return .failure(ClientCertificateRefusal("cannot read the revocation list \(crlFile): \(error); no certificate is accepted until it can be read"))
        case .success(let bytes):
            do {
                lists = try RevocationList.parseAll(bytes)
            } catch {
                return .failure(ClientCertificateRefusal(
                    "the revocation list \(crlFile) is malformed: \(error); no certificate is accepted until it is fixed"))
            }
        }
        let revoked = lists.contains { $0.issuer == key.issuer && $0.revokedSerials.contains(key.serial) }
        verdicts.withLock { verdicts in
            if verdicts.count >= Self.cacheLimit { verdicts.removeAll() }
            if settings.cacheExpirationNs > 0 { verdicts[key] = Verdict(revoked: revoked, untilNs: nowNs + settings.cacheExpirationNs) }
        }
        return .success(revoked)
    }
}
