import WardenBackendHost
import XCTest

@testable import WardenStore

/// ``GroupCommit``: one flush for the batches inserted before it, and a batch never
/// reported stored unless the first flush after its inserts succeeded.
final class GroupCommitTests: XCTestCase {
    private let diskFull = BackendCallError(backend: "sqlite", operation: "flush", status: 5, message: "disk full")

    /// Runs `commit` for `ticket` with a flush that fails when `failing`; counts the flushes.
    private func commit(_ group: GroupCommit, _ ticket: UInt64, failing: Bool = false, flushes: inout Int) -> BackendCallError? {
        do throws(BackendCallError) {
            try group.commit(ticket) { () throws(BackendCallError) in
                flushes += 1
                if failing { throw diskFull }
            }
            return nil
        } catch {
            return error
        }
    }

    func testOneFlushCoversEveryBatchInsertedBeforeIt() {
        let group = GroupCommit()
        var flushes = 0
        let first = group.inserted(), second = group.inserted(), third = group.inserted()
        XCTAssertNil(commit(group, second, flushes: &flushes))
        XCTAssertNil(commit(group, first, flushes: &flushes))
        XCTAssertNil(commit(group, third, flushes: &flushes))
        XCTAssertEqual(flushes, 1, "the second batch's flush committed all three")
        let fourth = group.inserted()
        XCTAssertNil(commit(group, fourth, flushes: &flushes))
        XCTAssertEqual(flushes, 2, "a batch inserted after a flush needs one of its own")
    }

    func testABatchWhoseFlushFailedStaysFailedAfterALaterSuccess() {
        let group = GroupCommit()
        var flushes = 0
        let first = group.inserted(), second = group.inserted()
        XCTAssertEqual(commit(group, first, failing: true, flushes: &flushes), diskFull)
        let third = group.inserted()
        XCTAssertNil(commit(group, third, flushes: &flushes), "the next batch flushes for itself and succeeds")
        XCTAssertEqual(commit(group, second, flushes: &flushes), diskFull, "its rows went with the failed flush")
        XCTAssertEqual(flushes, 2)
    }

    func testABatchOlderThanTheLossesKeptIsReportedFailedNeverStored() {
        let group = GroupCommit()
        var flushes = 0
        let oldest = group.inserted()
        XCTAssertNotNil(commit(group, group.inserted(), failing: true, flushes: &flushes))
        for _ in 0..<300 { _ = commit(group, group.inserted(), failing: true, flushes: &flushes) }
        XCTAssertEqual(commit(group, oldest, flushes: &flushes), diskFull, "forgotten: failed, so the client sends it again")
    }
}
