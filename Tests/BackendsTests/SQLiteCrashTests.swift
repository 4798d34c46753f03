import Foundation
import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// What `flush` confirmed survives `kill -9` of the writing process.
final class SQLiteCrashTests: XCTestCase {
    private static let childVariable = "WARDEN_CRASH_CHILD_DB"
    private static let batch = 500

    private static func open(_ path: String) throws -> LoadedBackend {
        let file = BackendConfigFile(
            name: "sqlite", libraryPath: BuildProducts.library("warden-backend-sqlite"), config: ["db_path": path],
            file: "t")
        return try BanStore.load(file, injected: ["flush": "false"], logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
                                 clock: { Timestamp.now() }, allowUnsafeFiles: false)
    }

    private static func signal(_ i: Int) -> SignalOrder {
        ManualBan(target: .ip(IPAddress(v4: 0x0A00_0000 + UInt32(i))), durationNs: 86_400 * 1_000_000_000, reason: "crash", origin: "local")
            .signal(at: Timestamp.now())
    }

    /// The child: inserts batches and prints "flushed N" after each commit, until killed.
    func testChildFillsUntilKilled() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childVariable] else {
            throw XCTSkip("runs only as the child of testKillDuringBulkInsertKeepsEveryFlushedBan")
        }
        let backend = try Self.open(path)
        var total = 0
        while total < 2_000_000 {
            for _ in 0..<Self.batch {
                try backend.insert(Self.signal(total))
                total += 1
            }
            try backend.flush()
            FileHandle.standardOutput.write(Data("flushed \(total)\n".utf8))
        }
    }

    func testKillDuringBulkInsertKeepsEveryFlushedBan() throws {
        let path = try CCompiler.temporaryFolder("crash") + "/crash.db"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: BuildProducts.folder + "/WardenPackageTests.xctest")
        child.arguments = ["BackendsTests.SQLiteCrashTests/testChildFillsUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: path]) { _, b in b }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        var confirmed = 0
        var buffer = Data()
        let reader = output.fileHandleForReading
        while confirmed < 20 * Self.batch {
            let chunk = reader.availableData
            guard !chunk.isEmpty else { break }
            buffer.append(chunk)
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("flushed ") {
                confirmed = max(confirmed, Int(line.dropFirst(8)) ?? 0)
            }
        }
        kill(child.processIdentifier, SIGKILL)  // mid-batch: the next batch is being inserted
        child.waitUntilExit()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal)
        XCTAssertGreaterThanOrEqual(confirmed, 20 * Self.batch, "the child must have confirmed batches before the kill")

        let targets = Set(try Self.open(path).read(at: Timestamp.now()).map(\.target))
        let missing = (0..<confirmed).filter { !targets.contains(IPAddress(v4: 0x0A00_0000 + UInt32($0)).description) }
        XCTAssertEqual(missing.count, 0, "every flushed ban must survive kill -9; missing e.g. \(missing.prefix(3))")
        XCTAssertEqual(targets.count % Self.batch, 0, "an unflushed batch must vanish whole, found \(targets.count) rows")
    }
}
