import WardenBackendKit

/// `warden.documents/1` on PostgreSQL: one `warden_documents` row per name (schema 2).
/// Each member runs alone in autocommit, on the instance's connection; the COPY batch of
/// buffered inserts stays in memory, untouched. Texts travel as hex (`decode`/`encode`),
/// so any bytes, NUL included, are kept as they are in the BYTEA column.
extension PostgreSQLBackend {
    func documentVersion(name: String) throws -> Int64 {
        try lock.withLock {
            try withConnection("document_version") { db in
                try db.integers("SELECT version FROM warden_documents WHERE name = $1", [Array(name.utf8)]).first ?? 0
            }
        }
    }

    func readDocument(name: String) throws -> (bytes: [UInt8], version: Int64)? {
        try lock.withLock {
            try withConnection("read_document") { db in
                var found: (bytes: [UInt8], version: Int64)?
                try db.query("SELECT version, encode(text, 'hex') FROM warden_documents WHERE name = $1", [Array(name.utf8)]) { row in
                    found = (Self.bytes(hex: row.text(1).bytes), row.int(0))
                    return false
                }
                return found
            }
        }
    }

    /// The write is one statement that changes one row or none: the server undoes it whole
    /// when it fails, and running it again is safe. Only a connection lost while it ran
    /// leaves it unknown whether it was committed: when the statement, run again, then
    /// finds another version, the write reports that it may have been stored.
    func writeDocument(name: String, text: [UInt8], expectedVersion: Int64) throws -> Int64? {
        try lock.withLock {
            var interrupted = false
            let values = [Array(name.utf8), Self.hex(text), Array(String(expectedVersion).utf8)]
            return try withConnection("write_document") { db in
                let changed: Int
                do {
                    changed = try db.execute(expectedVersion == 0
                        ? "INSERT INTO warden_documents(name, version, text) SELECT $1, $3::bigint + 1, decode($2, 'hex') "
                            + "ON CONFLICT DO NOTHING"
                        : "UPDATE warden_documents SET text = decode($2, 'hex'), version = version + 1 "
                            + "WHERE name = $1 AND version = $3::bigint", values)
                } catch let error as PostgreSQLError where error.isConnectionLost {
                    interrupted = true
                    throw error
                }
                if changed == 1 { return expectedVersion + 1 }
                guard !interrupted else {
                    let found = try db.integers("SELECT version FROM warden_documents WHERE name = $1", [values[0]]).first ?? 0
                    throw BackendError(
                        .io, "postgresql: write_document: the connection to \(db.reachedEndpoint) broke while document "
                            + "'\(name)' was written over version \(expectedVersion), and it now stands at version "
                            + "\(found): this write may have been stored; read the document again")
                }
                return nil
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex digits, what `decode(..., 'hex')` reads.
    private static func hex(_ bytes: [UInt8]) -> [UInt8] {
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            digits.append(hexDigits[Int(byte >> 4)])
            digits.append(hexDigits[Int(byte & 0xF)])
        }
        return digits
    }

    /// The bytes of hex digits as `encode(..., 'hex')` writes them (lowercase, no prefix).
    private static func bytes(hex digits: UnsafeRawBufferPointer) -> [UInt8] {
        func value(_ c: UInt8) -> UInt8 { c <= 57 ? c &- 48 : (c | 0x20) &- 87 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var i = digits.startIndex
        while i + 1 < digits.endIndex {
            bytes.append(value(digits[i]) << 4 | value(digits[i + 1]))
            i += 2
        }
        return bytes
    }
}
