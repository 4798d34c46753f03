import SwiftASN1
import X509

/// One certificate revocation list (RFC 5280 §5) as far as a check needs it: who issued
/// it and the serial numbers it revokes. Its signature is not checked: the file is the
/// operator's (`api.server.tls.crl_path`), as trusted as the config that names it.
struct RevocationList: Sendable, Equatable {
    /// The issuer's name; a list revokes only certificates of that issuer.
    var issuer: DistinguishedName
    /// The revoked serial numbers, big-endian without leading zero bytes.
    var revokedSerials: Set<[UInt8]>

    /// Every list in `bytes`: PEM (`X509 CRL` blocks, any number) or one DER list.
    /// - Throws: a description of what is malformed.
    static func parseAll(_ bytes: [UInt8]) throws -> [RevocationList] {
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
            let documents = try PEMDocument.parseMultiple(pemString: text).filter { $0.discriminator == "X509 CRL" }
            guard !documents.isEmpty else { throw RevocationListError("it holds no 'X509 CRL' PEM block") }
            return try documents.map { try parse(der: $0.derBytes) }
        }
        return [try parse(der: bytes)]
    }

    /// One DER `CertificateList`.
    static func parse(der: [UInt8]) throws -> RevocationList {
        let root = try DER.parse(der)
        return try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw RevocationListError("it has no tbsCertList") }
            _ = nodes.next()  // signatureAlgorithm
            _ = nodes.next()  // signatureValue
            return try DER.sequence(tbs, identifier: .sequence) { fields in
                var next = fields.next()
                if next?.identifier == .integer { next = fields.next() }  // version
                next = fields.next()  // signature: the algorithm
                guard let issuerNode = next else { throw RevocationListError("it has no issuer") }
                let issuer = try DistinguishedName(derEncoded: issuerNode)
                guard let thisUpdate = fields.next(), thisUpdate.identifier == .utcTime || thisUpdate.identifier == .generalizedTime
                else { throw RevocationListError("it has no thisUpdate time") }
                next = fields.next()
                if let node = next, node.identifier == .utcTime || node.identifier == .generalizedTime { next = fields.next() }
                var serials: Set<[UInt8]> = []
                if let node = next, node.identifier == .sequence {
                    guard case .constructed(let entries) = node.content else { throw RevocationListError("revokedCertificates is not a list") }
                    for entry in entries {
                        guard entry.identifier == .sequence, case .constructed(let parts) = entry.content,
                              let serial = parts.first(where: { _ in true }), serial.identifier == .integer,
                              case .primitive(let bytes) = serial.content
                        else { throw RevocationListError("an entry of revokedCertificates has no serial number") }
                        serials.insert(Self.normalized(bytes))
                    }
                    next = fields.next()
                }
                while next != nil { next = fields.next() }  // crlExtensions
                return RevocationList(issuer: issuer, revokedSerials: serials)
            }
        }
    }

    /// A serial number's bytes without the sign padding: the form both sides are compared in.
    static func normalized<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        Array(bytes.drop(while: { $0 == 0 }))
    }
}

/// Why a revocation list file cannot be read.
struct RevocationListError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
