import Foundation
import Logging
import WardenConfig
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// Every way a backend `.so` can be wrong gets its own message; each is pinned here.
final class BackendLoaderTests: XCTestCase {
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private func broken(_ define: String?) throws -> String {
        try CCompiler.brokenBackend(define)
    }

    /// Opens and instantiates `path` the way `warden backends check` does; returns the error text.
    private func loadError(_ path: String, allowUnsafe: Bool = false) -> String? {
        do {
            let library = try BackendLibrary.open(path, allowUnsafeFiles: allowUnsafe)
            _ = try LoadedBackend(name: "t", library: library, logger: logger, clock: { 0 })
            return nil
        } catch {
            return error.description
        }
    }

    func testValidFixtureLoads() throws {
        XCTAssertNil(loadError(try broken(nil)))
    }

    /// ABI 1.3: what a backend counts reaches the host's sink, named; a name outside
    /// [a-z0-9_]{1,32}, or past an instance's first 16, is dropped with one warning.
    func testCountsReachTheHostChecked() throws {
        let recorder = LogRecorder()
        nonisolated(unsafe) var counted: [String] = []
        let lock = NSLock()
        let library = try BackendLibrary.open(try broken("COUNTS"), allowUnsafeFiles: false)
        _ = try LoadedBackend(name: "t", library: library, logger: recorder.logger(), clock: { 0 }) { backend, event, n in
            lock.withLock { counted.append("\(backend) \(event) \(n)") }
        }
        XCTAssertEqual(counted, ["t conflict_retry 2", "t conflict_retry 3"] + (0..<15).map { "t e\($0) 1" })
        XCTAssertEqual(recorder.records.filter { $0.level == .warning }.map(\.message), [
            "the backend counted event 'Bad-Name', which is not 1 to 32 of a-z, 0-9 and _, or past its first 16 names; ignored",
            "the backend counted event 'e15', which is not 1 to 32 of a-z, 0-9 and _, or past its first 16 names; ignored",
            "the backend counted event 'e16', which is not 1 to 32 of a-z, 0-9 and _, or past its first 16 names; ignored",
        ])
    }

    func testMissingFile() {
        XCTAssertEqual(
            loadError("/nonexistent/libx.so"),
            "cannot load backend \"/nonexistent/libx.so\": no such file; check 'path' in the backend's YAML file")
    }

    func testNotASharedObject() throws {
        let path = try CCompiler.temporaryFolder("text") + "/libtext.so"
        try String(repeating: "this is a text file, not an ELF shared object\n", count: 4).write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": not a loadable shared library (\(path): invalid ELF header); "
                + "build it as a shared object for this machine")
    }

    func testNoEntryPoint() throws {
        let path = try broken("NO_NEW")
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": no symbol \"New\" (\(path): undefined symbol: New); export New with C "
                + "linkage (@c(New) in Swift, #[no_mangle] extern \"C\" in Rust, WARDEN_EXPORT in C)")
    }

    func testNewFails() throws {
        let path = try broken("NEW_FAILS")
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": New failed with WARDEN_E_ABI: this backend needs host ABI 1.3; upgrade warden")
    }

    func testNewReturnsNothing() throws {
        let path = try broken("NEW_RETURNS_NOTHING")
        XCTAssertEqual(loadError(path), "cannot load backend \"\(path)\": New returned WARDEN_OK but no instance; New must set *out")
    }

    func testBadMagic() throws {
        let path = try broken("BAD_MAGIC")
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": not a Warden backend (magic 0x12345678, expected 0x4E524457); "
                + "check that the path names a Warden backend")
    }

    func testMajorMismatch() throws {
        let path = try broken("MAJOR_2")
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": it implements ABI 2.1 but this warden supports 1.x; "
                + "rebuild it against warden_backend.h 1.x")
    }

    /// ABI 1.2 made bans stack; a 1.0 or 1.1 backend would let a shorter ban lift a longer one.
    func testABackendBeforeStackedBansIsRefused() throws {
        let path = try broken("MINOR_1")
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": it implements ABI 1.1, whose insert ends the live ban a target already "
                + "has, so a shorter or weaker ban would lift a longer one; this warden needs 1.2 or later, which keeps "
                + "every ban (STACKED BANS in warden_backend.h): rebuild it against that header")
    }

    func testStructTooShort() throws {
        let path = try broken("SHORT_STRUCT")
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": its warden_backend_t is 64 bytes, ABI 1.0 needs at least 136; "
                + "rebuild it against warden_backend.h 1.x")
    }

    func testNullMandatorySlot() throws {
        let path = try broken("NULL_READ_AT")
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": required function \"read_at\" is NULL; implement it "
                + "(every member but get_extension is required)")
    }

    func testInitFails() throws {
        let path = try broken("INIT_FAILS")
        let config = BackendConfigFile(name: "db", libraryPath: path, config: [:], file: "db.yaml")
        XCTAssertThrowsError(
            try BanStore.load(config, injected: [:], logger: logger, clock: { 0 }, allowUnsafeFiles: false)
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "backend \"db\" (\(path)): init failed with WARDEN_E_INVALID: missing config key 'db_path': name the SQLite file")
        }
    }

    func testGroupWritableFileIsRefused() throws {
        let path = try broken(nil)
        chmod(path, 0o775)
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": the file is writable by group or others (mode 0775); run 'chmod go-w' "
                + "on it, or set WARDEN_ALLOW_UNSAFE_PLUGINS=1 for development")
        XCTAssertNil(loadError(path, allowUnsafe: true))
    }

    func testForeignOwnerIsRefused() throws {
        try XCTSkipUnless(geteuid() == 0, "needs root to chown")
        let path = try broken(nil)
        chown(path, 65534, 65534)
        XCTAssertEqual(
            loadError(path),
            "cannot load backend \"\(path)\": the file is owned by uid 65534, not by root or the current user (uid 0); "
                + "chown it, or set WARDEN_ALLOW_UNSAFE_PLUGINS=1 for development")
    }

    func testSameFileIsOpenedOnce() throws {
        let path = try broken(nil)
        let link = path + ".link.so"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let a = try BackendLibrary.open(path, allowUnsafeFiles: false)
        let b = try BackendLibrary.open(link, allowUnsafeFiles: false)
        XCTAssertTrue(a === b, "two paths to one file must share one opened image")
    }

    func testDiscardedBackendDoesNotStopTheOthers() throws {
        let folder = try CCompiler.temporaryFolder("discard")
        try FileManager.default.createDirectory(atPath: folder + "/backends", withIntermediateDirectories: true)
        try "name: good\npath: \(BuildProducts.library("warden-backend-dummy"))\n"
            .write(toFile: folder + "/backends/a.yaml", atomically: true, encoding: .utf8)
        try "name: bad\npath: ./missing.so\n".write(toFile: folder + "/backends/b.yml", atomically: true, encoding: .utf8)
        let recorder = LogRecorder()
        let store = try BanStore.open(
            MainConfig(path: folder + "/config.yaml", backendFolder: folder + "/backends", injected: [:]), sweepsExpiredBans: false,
            logger: recorder.logger(level: .warning), clock: { 0 }, allowUnsafeFiles: false)
        XCTAssertEqual(store.backends.map(\.name), ["good"])
        XCTAssertEqual(store.discarded.map(\.config.name), ["bad"])
        XCTAssertEqual(recorder.records.map(\.message), [
            "cannot load backend \"\(folder)/backends/missing.so\": no such file; check 'path' in the backend's YAML file; backend \"bad\" discarded",
        ])
    }
}
