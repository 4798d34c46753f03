import Synchronization
@testable import WardenEngine
import XCTest

/// The gate lets one task through at a time, in the order they came.
final class AsyncGateTests: XCTestCase {
    /// What the runs saw, shared by the tasks.
    private final class Record: Sendable {
        let entries = Mutex<[String]>([])
        let inside = Mutex(0)
    }

    func testRunsNeverOverlapAndKeepTheirOrder() async {
        let gate = AsyncGate()
        let record = Record()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    await gate.run {
                        let overlapping = record.inside.withLock { count in
                            count += 1
                            return count > 1
                        }
                        record.entries.withLock { $0.append(overlapping ? "overlap \(index)" : "in \(index)") }
                        await Task.yield()
                        try? await Task.sleep(for: .milliseconds(2))
                        record.inside.withLock { $0 -= 1 }
                    }
                }
            }
        }
        let entries = record.entries.withLock { $0 }
        XCTAssertEqual(entries.count, 8)
        XCTAssertFalse(entries.contains { $0.hasPrefix("overlap") }, "\(entries)")
    }

    func testAWaitingRunStartsWhenTheFirstLeaves() async {
        let gate = AsyncGate()
        let record = Record()
        let (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            await gate.run {
                enteredSignal.yield()
                for await _ in release { break }
                record.entries.withLock { $0.append("1") }
            }
        }
        for await _ in entered { break }
        let second = Task { await gate.run { record.entries.withLock { $0.append("2") } } }
        try? await Task.sleep(for: .milliseconds(50))
        XCTAssertEqual(record.entries.withLock { $0 }, [], "the second run started while the first was inside")
        releaseSignal.yield()
        await first.value
        await second.value
        XCTAssertEqual(record.entries.withLock { $0 }, ["1", "2"])
    }
}
