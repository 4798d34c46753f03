import WardenModel
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// The same conformance suite, through `dlopen`, against every backend built here.
final class ConformanceTests: XCTestCase {
    private func runAll(_ suite: BackendConformance) {
        for check in BackendConformance.Check.allCases {
            do {
                try suite.run(check)
            } catch {
                XCTFail("\(suite.name) fails \(check.rawValue): \(error)")
            }
        }
    }

    func testDummyBackend() {
        runAll(BackendConformance(
            name: "dummy", library: BuildProducts.library("warden-backend-dummy"),
            invalidConfig: ["max_records": "lots"]
        ) { id in ["store": id] })
    }

    func testCExampleBackend() throws {
        let library = try CCompiler.cExample.get()
        runAll(BackendConformance(name: "c-example", library: library, invalidConfig: ["store": ""]) { id in ["store": id] })
    }

    func testCppExampleBackend() throws {
        let library = try CCompiler.cppExample.get()
        runAll(BackendConformance(name: "cpp-example", library: library, invalidConfig: ["store": ""]) { id in
            ["store": id]
        })
    }

    func testRustExampleBackend() throws {
        guard let built = CCompiler.rustExample else { throw XCTSkip("no cargo on this machine: the Rust example was not built") }
        runAll(BackendConformance(name: "rust-example", library: try built.get(), invalidConfig: ["store": ""]) { id in
            ["store": id]
        })
    }

    func testSQLiteBackend() throws {
        let folder = try CCompiler.temporaryFolder("sqlite-conformance")
        runAll(BackendConformance(
            name: "sqlite", library: BuildProducts.library("warden-backend-sqlite"),
            invalidConfig: ["synchronous": "sometimes"]
        ) { id in ["db_path": "\(folder)/\(id).db"] })
    }

    func testMySQLBackendOnAPrivateMariaDB() throws {
        let server = try PrivateMariaDB.shared.get()
        runAll(BackendConformance(
            name: "mysql", library: BuildProducts.library("warden-backend-mysql"), invalidConfig: ["bulk": "sometimes"]
        ) { id in server.config(database: id) })
    }

    func testMySQLBackendMultiRowFallback() throws {
        let server = try PrivateMariaDB.shared.get()
        runAll(BackendConformance(name: "mysql", library: BuildProducts.library("warden-backend-mysql")) { id in
            server.config(database: "mr_" + id).merging(["bulk": "multirow"]) { _, b in b }
        })
    }

    func testPostgreSQLBackendOnAPrivateCluster() throws {
        let server = try PrivatePostgreSQL.shared.get()
        runAll(BackendConformance(
            name: "postgresql", library: BuildProducts.library("warden-backend-postgresql"),
            invalidConfig: ["sslmode": "sometimes"]
        ) { id in server.config(database: id) })
    }

    func testDummyLogsEveryCallThroughTheHost() throws {
        let recorder = LogRecorder()
        let suite = BackendConformance(
            name: "dummy", library: BuildProducts.library("warden-backend-dummy"), logger: recorder.logger()
        ) { id in ["store": id] }
        try suite.run(.insertThenRead)
        let messages = recorder.records.filter { $0.backend == "dummy" }.map(\.message)
        for call in ["init:", "insert:", "flush:", "read_at:"] {
            XCTAssertTrue(messages.contains { $0.hasPrefix(call) }, "no '\(call)' log line in \(messages)")
        }
    }
}
