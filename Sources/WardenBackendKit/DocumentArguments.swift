import CWardenBackend

/// The checks of `warden.documents/1`'s arguments (`warden_backend.h`), made by the SDK
/// before a backend sees them: a backend receives only valid names and texts.
enum DocumentArguments {
    /// `WARDEN_DOCUMENT_MAX_BYTES`.
    static let maxTextBytes = Int(WARDEN_DOCUMENT_MAX_BYTES)

    /// What every refusal of a name tells the host to do.
    private static let nameRule = "name documents with 1 to \(WARDEN_DOCUMENT_MAX_NAME) bytes of A-Z a-z 0-9 '.' '_' '-'"

    /// The name, checked: 1 to `WARDEN_DOCUMENT_MAX_NAME` bytes of `[A-Za-z0-9._-]`.
    static func name(_ raw: warden_str_t, operation: String) throws -> String {
        guard raw.ptr != nil || raw.len == 0 else {
            throw BackendError(.invalid, "\(operation): the name is NULL with length \(raw.len); \(nameRule)")
        }
        let bytes = raw.bytes
        guard !bytes.isEmpty else { throw BackendError(.invalid, "\(operation): the name is empty; \(nameRule)") }
        guard bytes.count <= Int(WARDEN_DOCUMENT_MAX_NAME) else {
            throw BackendError(
                .invalid, "\(operation): the name is \(bytes.count) bytes, over \(WARDEN_DOCUMENT_MAX_NAME); \(nameRule)")
        }
        if let index = bytes.firstIndex(where: { !isNameByte($0) }) {
            let byte = bytes[index]
            let shown = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            throw BackendError(
                .invalid, "\(operation): the name '\(String(decoding: bytes, as: UTF8.self))' holds \(shown) at offset "
                    + "\(index); \(nameRule)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text of document `name`, copied: at most ``maxTextBytes`` bytes.
    static func text(_ raw: warden_str_t, name: String) throws -> [UInt8] {
        guard raw.ptr != nil || raw.len == 0 else {
            throw BackendError(
                .invalid, "write_document: the text of document '\(name)' is NULL with length \(raw.len); pass the "
                    + "text's bytes, or length 0 for an empty text")
        }
        guard raw.len <= maxTextBytes else {
            throw BackendError(
                .invalid, "write_document: the text of document '\(name)' is \(raw.len) bytes, over "
                    + "WARDEN_DOCUMENT_MAX_BYTES (\(maxTextBytes)); keep a document's text smaller")
        }
        return Array(raw.bytes)
    }

    /// The version a write replaces, checked: 0 (absent) or a version read before.
    static func expectedVersion(_ version: Int64, name: String) throws -> Int64 {
        guard version >= 0 else {
            throw BackendError(
                .invalid, "write_document: expected_version \(version) of document '\(name)' is negative; pass 0 "
                    + "when the document is absent, or the version read_document returned")
        }
        return version
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
