import Foundation
import Logging
import WardenConfig
import WardenTesting
import XCTest

@testable import WardenStore
import WardenTestSupport

/// Where bouncers, machines and the token secret are kept: the files by default, or the
/// documents of `api.server.identity_backend`, which every node on that storage shares.
/// Two "nodes" here are two configs (each its own folder and files) on one SQLite database.
final class IdentityTextsTests: XCTestCase {
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    private var root = ""

    override func setUpWithError() throws {
        root = try CCompiler.temporaryFolder("identities")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A node's config in `root/name`: the SQLite backend on the shared database, the dummy
    /// backend, and `identity_backend` set to `identity` (nil: not set).
    private func node(_ name: String, identity: String? = "sqlite") throws -> MainConfig {
        let folder = root + "/" + name
        try FileManager.default.createDirectory(atPath: folder + "/backends", withIntermediateDirectories: true)
        try "name: sqlite\npath: \(BuildProducts.library("warden-backend-sqlite"))\nconfig:\n  db_path: \(root)/shared.db\n"
            .write(toFile: folder + "/backends/sqlite.yaml", atomically: true, encoding: .utf8)
        try "name: dummy\npath: \(BuildProducts.library("warden-backend-dummy"))\n"
            .write(toFile: folder + "/backends/dummy.yaml", atomically: true, encoding: .utf8)
        let identityLine = identity.map { "    identity_backend: \($0)\n" } ?? ""
        try "plugin:\n  backend: ./backends\napi:\n  server:\n    bouncers_file: ./bouncers\n\(identityLine)"
            .write(toFile: folder + "/config.yaml", atomically: true, encoding: .utf8)
        return try MainConfig.load(path: folder + "/config.yaml")
    }

    private func open(_ main: MainConfig, logger: Logger? = nil) throws -> IdentityTexts {
        try IdentityTexts.open(main, logger: logger ?? self.logger, clock: { 1_700_000_000_000_000_000 }, allowUnsafeFiles: true)
    }

    func testWithoutTheKeyTheyAreTheNodesFiles() throws {
        let main = try node("a", identity: nil)
        let texts = try open(main)
        XCTAssertEqual(texts.bouncers.location, main.api.bouncersFile)
        XCTAssertEqual(texts.machines.location, main.api.machinesFile)
        XCTAssertEqual(texts.tokenSecret.location, main.api.machinesFile + ".jwt-secret")
        XCTAssertTrue(texts.bouncers.isLocal)
    }

    func testWhatOneNodeWritesTheOtherReadsAndNoWriteIsLost() throws {
        let a = try open(try node("a")), b = try open(try node("b"))
        XCTAssertEqual(a.bouncers.location, "document 'bouncers' of backend \"sqlite\"")
        XCTAssertFalse(a.bouncers.isLocal)
        XCTAssertNil(try b.machines.read(), "never written")
        XCTAssertNil(try b.machines.version())
        try a.machines.update { current in
            XCTAssertNil(current)
            return "# header\nm1\n"
        }
        XCTAssertEqual(try b.machines.read()?.text, "# header\nm1\n")
        let before = try b.machines.version()
        XCTAssertEqual(before, .document(1))
        // Both nodes append at once, each from its own thread: compare and swap keeps every line.
        let nodes = [a, b]
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            for n in 0..<25 {
                try? nodes[index].machines.update { ($0 ?? "") + "node\(index)-\(n)\n" }
            }
        }
        let lines = try XCTUnwrap(a.machines.read()?.text).split(separator: "\n")
        XCTAssertEqual(lines.count, 52, "the header, m1 and 50 appended lines")
        XCTAssertEqual(Set(lines).count, 52)
        XCTAssertEqual(try a.machines.version(), .document(51), "one write for m1, one per appended line")
        XCTAssertNil(try a.bouncers.read(), "one document's writes leave the others as they were")
    }

    func testADocumentNeverWrittenStartsFromTheNodesFileAndTheFirstNodeWins() throws {
        let mainA = try node("a"), mainB = try node("b")
        try "# a's bouncers\n".write(toFile: mainA.api.bouncersFile, atomically: true, encoding: .utf8)
        try "# b's bouncers\n".write(toFile: mainB.api.bouncersFile, atomically: true, encoding: .utf8)
        let logA = LogRecorder(), logB = LogRecorder()
        let a = try open(mainA, logger: logA.logger())
        XCTAssertEqual(try a.bouncers.read()?.text, "# a's bouncers\n")
        XCTAssertEqual(logA.records.map(\.message), ["document 'bouncers' of backend \"sqlite\" starts from \(mainA.api.bouncersFile)"])
        let b = try open(mainB, logger: logB.logger())
        XCTAssertEqual(logB.records.map(\.message), [], "nothing of node b's files was taken")
        XCTAssertEqual(try b.bouncers.read()?.text, "# a's bouncers\n", "node b's file is not used: the document exists")
        XCTAssertEqual(try String(contentsOfFile: mainB.api.bouncersFile, encoding: .utf8), "# b's bouncers\n",
                       "and left as it is")
        XCTAssertNil(try b.machines.read(), "no machines file: the document stays unwritten")
    }

    func testABackendThatCannotKeepThemIsRefusedByName() throws {
        XCTAssertThrowsError(try open(try node("a", identity: "nope"))) {
            XCTAssertEqual("\($0)", "api.server.identity_backend 'nope' cannot keep the bouncers and machines: no backend file in "
                + "\(self.root)/a/backends has that name (known: dummy, sqlite); fix the name or unset the key")
        }
        XCTAssertThrowsError(try open(try node("b", identity: "dummy"))) {
            XCTAssertEqual("\($0)", "api.server.identity_backend 'dummy' cannot keep the bouncers and machines: it does not "
                + "offer warden.documents/1; use sqlite, mysql or postgresql, or unset the key")
        }
    }
}
