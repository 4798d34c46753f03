import WardenBackendKit

/// `warden.documents/1` on SQLite: one `warden_documents` row per name (schema 7).
///
/// The connection has one transaction, and the inserts this instance buffered are in
/// it: a document write commits them first, as `flush` does, then writes the document
/// in a transaction of its own, so that a conflict rolls back the document alone.
extension SQLiteBackend {
    func documentVersion(name: String) throws -> Int64 {
        try withDatabase("document_version") { db in
            let statement = try db.statement(.documentVersion)
            statement.bind(name, at: 1)
            return try statement.scalar()
        }
    }

    func readDocument(name: String) throws -> (bytes: [UInt8], version: Int64)? {
        try withDatabase("read_document") { db in
            let statement = try db.statement(.readDocument)
            defer { statement.reset() }
            statement.bind(name, at: 1)
            guard try statement.step() else { return nil }
            return (statement.blob(1), statement.int64(0))
        }
    }

    func writeDocument(name: String, text: [UInt8], expectedVersion: Int64) throws -> Int64? {
        try withDatabase("write_document") { db in
            try commit(db)
            try beginIfNeeded(db)
            do {
                let statement = try db.statement(expectedVersion == 0 ? .insertDocument : .updateDocument)
                statement.bind(name, at: 1)
                statement.bind(blob: text, at: 2)
                statement.bind(expectedVersion, at: 3)
                try statement.run()
                guard db.changes == 1 else {
                    try db.execute("ROLLBACK")
                    return nil
                }
                try db.statement(.commit).run()
                return expectedVersion + 1
            } catch {
                if db.inTransaction { try? db.execute("ROLLBACK") }
                throw error
            }
        }
    }
}

/// The SQL of `warden.documents/1`: ?1 the name, ?2 the text, ?3 the version it replaces.
enum DocumentQueries {
    static let version = "SELECT IFNULL(MAX(version), 0) FROM warden_documents WHERE name = ?1"
    static let read = "SELECT version, text FROM warden_documents WHERE name = ?1"
    /// Writes version 1 of an absent name (?3 is 0); changes nothing when the name exists.
    static let insert = "INSERT OR IGNORE INTO warden_documents(name, version, text) VALUES (?1, ?3 + 1, ?2)"
    static let update = "UPDATE warden_documents SET text = ?2, version = version + 1 WHERE name = ?1 AND version = ?3"
}
