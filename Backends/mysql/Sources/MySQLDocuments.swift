import CMariaDB
import Glibc
import WardenBackendKit

/// `warden.documents/1` on MySQL: one `warden_documents` row per name (schema 6). Each
/// member runs alone in autocommit, on the instance's connection; the batch of buffered
/// inserts stays in memory, untouched. Names are checked by the SDK (`[A-Za-z0-9._-]`),
/// so they are quoted into the SQL as they are.
extension MySQLBackend {
    func documentVersion(name: String) throws -> Int64 {
        try lock.withLock {
            try withConnection("document_version") { db in
                try db.integers("SELECT version FROM warden_documents WHERE name = '\(name)'").first ?? 0
            }
        }
    }

    func readDocument(name: String) throws -> (bytes: [UInt8], version: Int64)? {
        try lock.withLock {
            try withConnection("read_document") { db in try storedDocument(name, db) }
        }
    }

    /// The write is one statement that changes one row or none: the server undoes it whole
    /// when it fails, and running it again is safe. Only a connection lost while it ran
    /// leaves it unknown whether it was committed: when the statement, run again, then
    /// finds another version, the write reports that it may have been stored.
    func writeDocument(name: String, text: [UInt8], expectedVersion: Int64) throws -> Int64? {
        try lock.withLock {
            var interrupted = false
            return try withConnection("write_document") { db in
                let sql = expectedVersion == 0
                    ? "INSERT IGNORE INTO warden_documents(name, version, text) VALUES (?, 1, ?)"
                    : "UPDATE warden_documents SET text = ?, version = version + 1 WHERE name = ? AND version = ?"
                let changed: UInt64
                do {
                    changed = try BindArena.with { arena in
                        let values: [Any] = expectedVersion == 0
                            ? [Array(name.utf8), text] : [text, Array(name.utf8), expectedVersion]
                        let binds = arena.binds(values: values)
                        binds[expectedVersion == 0 ? 1 : 0].buffer_type = MYSQL_TYPE_BLOB  // bytes, never converted
                        return try db.statement(sql).execute(binds)
                    }
                } catch let error as MySQLError where error.isConnectionLost {
                    interrupted = true
                    throw error
                } catch let error as MySQLError where error.code == 1153 {
                    throw BackendError(
                        .io, "mysql: write_document: document '\(name)' of \(text.count) bytes is larger than the "
                            + "server's max_allowed_packet (\(error.message)); raise max_allowed_packet on "
                            + "\(db.endpoint) above the largest document, 16 MiB plus a little")
                }
                if changed == 1 { return expectedVersion + 1 }
                guard !interrupted else {
                    let found = try db.integers("SELECT version FROM warden_documents WHERE name = '\(name)'").first ?? 0
                    throw BackendError(
                        .io, "mysql: write_document: the connection to \(db.endpoint) broke while document '\(name)' "
                            + "was written over version \(expectedVersion), and it now stands at version \(found): this "
                            + "write may have been stored; read the document again")
                }
                return nil
            }
        }
    }

    /// Document `name` as stored now, nil when absent.
    private func storedDocument(_ name: String, _ db: MySQLConnection) throws -> (bytes: [UInt8], version: Int64)? {
        var found: (bytes: [UInt8], version: Int64)?
        try db.query("SELECT version, text FROM warden_documents WHERE name = '\(name)'") { fields, lengths in
            let bytes = UnsafeRawBufferPointer(start: fields[1], count: fields[1] == nil ? 0 : Int(lengths[1]))
            found = (Array(bytes), fields[0].map { strtoll($0, nil, 10) } ?? 0)
            return false
        }
        return found
    }
}
