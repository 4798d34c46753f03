import CWardenBackend
import WardenBasics

/// One document as `read_document` returned it (`warden.documents/1`).
public struct StoredDocument: Sendable, Equatable {
    /// The text, decoded as UTF-8 (invalid sequences replaced).
    public var text: String
    /// Its version: > 0, grows with every write of the name.
    public var version: Int64

    public init(text: String, version: Int64) {
        self.text = text
        self.version = version
    }
}

/// The host's side of `warden.documents/1` (`warden_backend.h`): named texts shared by
/// every host on the storage, written by compare and swap. Each method throws
/// ``BackendCallError/documentsUnsupported(backend:operation:)`` when the backend lacks
/// the extension.
extension LoadedBackend {
    /// Whether the backend offers `warden.documents/1`.
    public var offersDocuments: Bool { extensionTable(WARDEN_EXT_DOCUMENTS) != nil }

    private func documentsTable(_ operation: String) throws(BackendCallError) -> warden_ext_documents_t {
        guard let table = try extensionTable(
            WARDEN_EXT_DOCUMENTS, as: warden_ext_documents_t.self, minimumSize: Int(WARDEN_EXT_DOCUMENTS_V1_SIZE),
            operation: operation)
        else { throw .documentsUnsupported(backend: name, operation: operation) }
        return table
    }

    /// `document_version`: the version of document `name`, 0 when it is absent.
    public func documentVersion(_ name: String) throws(BackendCallError) -> Int64 {
        guard let function = try documentsTable("document_version").document_version else {
            throw .documentsUnsupported(backend: self.name, operation: "document_version")
        }
        var version: Int64 = 0
        try call("document_version") { err, len in
            withStrings([Array(name.utf8)]) { function(vtable, $0[0], &version, err, len) }
        }
        return version
    }

    /// `read_document`: document `name` with its version, nil when it is absent.
    public func readDocument(_ name: String) throws(BackendCallError) -> StoredDocument? {
        guard let function = try documentsTable("read_document").read_document else {
            throw .documentsUnsupported(backend: self.name, operation: "read_document")
        }
        final class Received { var bytes: [UInt8]? }
        let received = Received()
        var version: Int64 = 0
        try call("read_document") { err, len in
            withStrings([Array(name.utf8)]) { names in
                function(vtable, names[0], &version, { context, text in
                    let received = Unmanaged<Received>.fromOpaque(context!).takeUnretainedValue()
                    received.bytes = text.len == 0 ? [] : Array(UnsafeRawBufferPointer(start: text.ptr, count: Int(text.len)))
                }, Unmanaged.passUnretained(received).toOpaque(), err, len)
            }
        }
        guard version > 0 else { return nil }
        guard let bytes = received.bytes else {
            throw BackendCallError(
                backend: self.name, operation: "read_document", status: WARDEN_E_INTERNAL,
                message: "it answered version \(version) for document '\(name)' but gave no text; fix the backend")
        }
        return StoredDocument(text: String(decoding: bytes, as: UTF8.self), version: version)
    }

    /// `write_document`: stores `text` as document `name` if its version is still
    /// `expectedVersion` (0: if it is absent) and returns the new version; nil when another
    /// writer came first (`WARDEN_E_CONFLICT`), and then nothing was written.
    public func writeDocument(_ name: String, text: String, replacing expectedVersion: Int64) throws(BackendCallError) -> Int64? {
        guard let function = try documentsTable("write_document").write_document else {
            throw .documentsUnsupported(backend: self.name, operation: "write_document")
        }
        var version: Int64 = 0
        do {
            try call("write_document") { err, len in
                withStrings([Array(name.utf8), Array(text.utf8)]) { s in
                    function(vtable, s[0], s[1], expectedVersion, &version, err, len)
                }
            }
        } catch where error.status == WARDEN_E_CONFLICT {
            return nil
        }
        return version
    }
}

extension BackendCallError {
    /// The host's own error for a backend that lacks `warden.documents/1`.
    public static func documentsUnsupported(backend: String, operation: String) -> BackendCallError {
        BackendCallError(
            backend: backend, operation: WARDEN_EXT_DOCUMENTS, status: WARDEN_E_UNSUPPORTED,
            message: "\(operation) needs it, to keep bouncers, machines and the token secret in the storage; use a "
                + "backend that offers it (sqlite, mysql, postgresql) or leave api.server.identity_backend unset")
    }
}
