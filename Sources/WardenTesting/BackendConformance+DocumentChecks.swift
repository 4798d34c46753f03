import CWardenBackend
import WardenBackendHost

/// The promises of the `warden.documents/1` extension (`warden_backend.h`): each check
/// returns at once when the backend does not offer it.
extension Checks {

    /// A text of several lines, multi-byte UTF-8 included.
    private static let multiLine = "# bouncers\nfirewall\tkey=é\nnginx ✓ 🛡\n"

    static func documentsStartAbsent(_ w: World) throws {
        let b = try w.instance()
        guard b.offersDocuments else { return }
        try w.expect(try b.documentVersion("bouncers") == 0, "document_version of a name never written must be 0")
        let read = try b.readDocument("bouncers")
        try w.expect(read == nil, "read_document of a name never written returned \(String(describing: read)); expected absent")
    }

    static func documentsRoundTrip(_ w: World) throws {
        let b = try w.instance()
        guard b.offersDocuments else { return }
        try w.expect(try b.writeDocument("bouncers", text: multiLine, replacing: 0) == 1,
                     "the first write of a name (expected version 0) must store version 1")
        try w.expect(try b.documentVersion("bouncers") == 1, "document_version after the first write must be 1")
        let first = try b.readDocument("bouncers")
        try w.expect(first == StoredDocument(text: multiLine, version: 1),
                     "read_document returned \(String(describing: first)); expected the multi-line text, byte for byte, at version 1")
        try w.expect(try b.writeDocument("bouncers", text: "", replacing: 1) == 2,
                     "a write over version 1 must store version 2")
        let empty = try b.readDocument("bouncers")
        try w.expect(empty == StoredDocument(text: "", version: 2),
                     "read_document returned \(String(describing: empty)); an empty text is a text, not an absence")
        try w.expect(try b.writeDocument("machines.v1_x-y", text: "nul\u{0}inside", replacing: 0) == 1,
                     "a write of another name starts its own versions at 1")
        let nul = try b.readDocument("machines.v1_x-y")
        try w.expect(nul?.text == "nul\u{0}inside", "read_document returned \(String(describing: nul)); a NUL byte is text too")
        try w.expect(try b.readDocument("bouncers")?.version == 2, "a write of another name must not change this one")
    }

    static func documentsCompareAndSwap(_ w: World) throws {
        let b = try w.instance()
        guard b.offersDocuments else { return }
        _ = try b.writeDocument("secret", text: "one", replacing: 0)
        _ = try b.writeDocument("secret", text: "two", replacing: 1)
        try w.expect(try b.writeDocument("secret", text: "stale", replacing: 1) == nil,
                     "a write over version 1 when version 2 is stored must be a conflict")
        try w.expect(try b.writeDocument("secret", text: "again", replacing: 0) == nil,
                     "a write expecting an absent name when it is present must be a conflict")
        try w.expect(try b.writeDocument("secret", text: "ahead", replacing: 5) == nil,
                     "a write over a version never stored must be a conflict")
        let kept = try b.readDocument("secret")
        try w.expect(kept == StoredDocument(text: "two", version: 2),
                     "after three conflicts read_document returned \(String(describing: kept)); a conflict writes nothing")
        do {
            _ = try b.writeDocument("absent", text: "x", replacing: 3)
        } catch {
            throw ConformanceFailure(description: "a write over a version of an absent name must be a conflict, not \(error)")
        }
        try w.expect(try b.documentVersion("absent") == 0, "a conflicting write of an absent name must leave it absent")
    }

    static func documentsSharedBetweenInstances(_ w: World) throws {
        let a = try w.instance(), b = try w.instance()
        guard a.offersDocuments else { return }
        try w.expect(try a.writeDocument("machines", text: "m1", replacing: 0) == 1, "the first write must store version 1")
        let seen = try b.readDocument("machines")
        try w.expect(seen == StoredDocument(text: "m1", version: 1),
                     "a second instance read \(String(describing: seen)); a written document is visible to every instance at once")
        try w.expect(try a.writeDocument("machines", text: "m2", replacing: 1) == 2, "a write over version 1 must store 2")
        try w.expect(try b.documentVersion("machines") == 2, "the second instance must see version 2 at once")
        try w.expect(try b.writeDocument("machines", text: "late", replacing: 1) == nil,
                     "the second instance's write over the version the first replaced must be a conflict")
        try w.expect(try b.writeDocument("machines", text: "m3", replacing: 2) == 3,
                     "the second instance's write over the current version must store 3")
        try w.expect(try a.readDocument("machines") == StoredDocument(text: "m3", version: 3),
                     "the first instance must read the second's write")
    }

    static func documentsRefuseInvalidArguments(_ w: World) throws {
        let b = try w.instance()
        guard b.offersDocuments else { return }
        try expectInvalid(w, "an empty name") { _ = try b.documentVersion("") }
        try expectInvalid(w, "a name of 129 bytes") { _ = try b.readDocument(String(repeating: "n", count: 129)) }
        try expectInvalid(w, "the name 'a/b'") { _ = try b.writeDocument("a/b", text: "x", replacing: 0) }
        try expectInvalid(w, "expected version -1") { _ = try b.writeDocument("ok", text: "x", replacing: -1) }
        try w.expect(try b.documentVersion(String(repeating: "n", count: 128)) == 0, "a name of 128 bytes is valid")
        try w.expect(try b.documentVersion("ok") == 0, "refused writes must store nothing")
    }

    static func documentsAreNotBans(_ w: World) throws {
        let b = try w.instance()
        guard b.offersDocuments else { return }
        _ = try b.writeDocument("bouncers", text: "192.0.2.1", replacing: 0)
        try b.flush()
        try w.expect(try w.targets(b).isEmpty, "read_at must not list documents")
        try w.expect(try b.deleteAll() == 0, "delete_all must not count documents")
        try b.flush()
        try w.expect(try b.readDocument("bouncers") == StoredDocument(text: "192.0.2.1", version: 1),
                     "delete_all must not remove documents")
    }

    static func documentWriteKeepsBufferedInserts(_ w: World) throws {
        let b = try w.instance()
        guard b.offersDocuments else { return }
        try b.insert(try w.signal("192.0.2.90", seconds: 3600))
        _ = try b.writeDocument("bouncers", text: "between", replacing: 0)
        try w.expect(try w.targets(b) == ["192.0.2.90"], "the instance must still read its insert after a document write")
        try b.flush()
        let other = try w.instance()
        try w.expect(try w.targets(other) == ["192.0.2.90"],
                     "a ban inserted before a document write and flushed after it must be stored")
    }

    /// Runs `body`, which must fail with WARDEN_E_INVALID for `what`.
    private static func expectInvalid(_ w: World, _ what: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as BackendCallError {
            try w.expect(error.status == WARDEN_E_INVALID,
                         "\(what) must be refused with WARDEN_E_INVALID, got \(error)")
            return
        }
        throw ConformanceFailure(description: "\(what) must be refused with WARDEN_E_INVALID, but the call succeeded")
    }
}
