import CWardenBackend
import Logging
import WardenBackendHost
import WardenConfig
import WardenModel
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// The messages the SDK's `warden.documents/1` slots give, through the SQLite backend, and
/// which shipped backends offer the extension.
final class DocumentMessageTests: XCTestCase {
    private func open(_ name: String, config: [String: String]) throws -> LoadedBackend {
        let file = BackendConfigFile(
            name: name, libraryPath: BuildProducts.library("warden-backend-\(name)"), config: config, file: "t")
        return try BanStore.load(
            file, injected: ["flush": "false"], logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
            clock: { Timestamp.now() }, allowUnsafeFiles: false)
    }

    private func sqlite() throws -> LoadedBackend {
        try open("sqlite", config: ["db_path": try CCompiler.temporaryFolder("documents") + "/d.db"])
    }

    private func assertRefusal(_ expected: String, _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            XCTAssertEqual((error as? BackendCallError)?.status, WARDEN_E_INVALID, line: line)
            XCTAssertEqual((error as? BackendCallError)?.message, expected, line: line)
        }
    }

    func testInvalidArgumentsAreRefusedWithWhatToDo() throws {
        let backend = try sqlite()
        defer { try? backend.shutdown() }
        let rule = "name documents with 1 to 128 bytes of A-Z a-z 0-9 '.' '_' '-'"
        assertRefusal("document_version: the name is empty; \(rule)") { _ = try backend.documentVersion("") }
        assertRefusal("read_document: the name is 129 bytes, over 128; \(rule)") {
            _ = try backend.readDocument(String(repeating: "n", count: 129))
        }
        assertRefusal("write_document: the name 'a/b' holds '/' at offset 1; \(rule)") {
            _ = try backend.writeDocument("a/b", text: "x", replacing: 0)
        }
        assertRefusal("document_version: the name 'tab\there' holds byte 0x9 at offset 3; \(rule)") {
            _ = try backend.documentVersion("tab\there")
        }
        assertRefusal(
            "write_document: expected_version -1 of document 'ok' is negative; pass 0 when the document is absent, "
                + "or the version read_document returned"
        ) {
            _ = try backend.writeDocument("ok", text: "x", replacing: -1)
        }
        assertRefusal(
            "write_document: the text of document 'big' is 16777217 bytes, over WARDEN_DOCUMENT_MAX_BYTES (16777216); "
                + "keep a document's text smaller"
        ) {
            _ = try backend.writeDocument("big", text: String(repeating: "x", count: 16 * 1024 * 1024 + 1), replacing: 0)
        }
    }

    func testTheLargestTextIsKept() throws {
        let backend = try sqlite()
        defer { try? backend.shutdown() }
        let text = String(repeating: "0123456789abcdef", count: 1024 * 1024)
        XCTAssertEqual(try backend.writeDocument("big", text: text, replacing: 0), 1)
        XCTAssertEqual(try backend.readDocument("big"), StoredDocument(text: text, version: 1))
    }

    func testShippedBackendsThatShareStorageOfferDocuments() throws {
        let sqlite = try sqlite()
        defer { try? sqlite.shutdown() }
        XCTAssertTrue(sqlite.supportedExtensions.contains("warden.documents/1"))
        let dummy = try open("dummy", config: ["store": "documents"])
        defer { try? dummy.shutdown() }
        XCTAssertFalse(dummy.offersDocuments, "a store in one process's memory cannot share documents between hosts")
        XCTAssertThrowsError(try dummy.documentVersion("bouncers")) { error in
            XCTAssertEqual((error as? BackendCallError)?.status, WARDEN_E_UNSUPPORTED)
        }
    }
}
