import Foundation
import WardenMachines
import XCTest

/// The machines file as read from disk.
final class MachineFileTests: XCTestCase {
    /// Found by Fuzz/ (fuzz-machines): a registration time after 2262 trapped in
    /// Timestamp.parse ("arithmetic overflow"); it is a malformed line like any other.
    func testARegistrationTimeBeyondNanosecondRangeIsAMalformedLine() throws {
        let folder = NSTemporaryDirectory() + "warden-machines-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/machines"
        let line = "agent-1\t$2a$10$abcdefghijklmnopqrstuuJ3rXQnC1VX6mI9Zq1p3qYH9y3WcX1a.\tvalidated\t9999-12-31T23:59:59Z\n"
        try line.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MachineFile(path: path).load()) { error in
            XCTAssertTrue("\(error)".contains("\(path):1: not a machine line"), "\(error)")
        }
    }
}
