import Foundation
import Glibc
import WardenConfig
import XCTest

/// ``FileSystem/writeAtomically(_:to:mode:)``: a regular file is replaced whole; a device
/// is written in place, never replaced by a file (`warden machines add -f /dev/null` once
/// turned the machine's /dev/null into a regular file).
final class FileSystemWriteTests: XCTestCase {
    private func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "warden-write-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    private func kind(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0, path)
        return info.st_mode & S_IFMT
    }

    func testARegularFileIsReplacedWhole() throws {
        let path = try folder() + "/credentials.yaml"
        try "old text that is longer".write(toFile: path, atomically: false, encoding: .utf8)
        guard case .success = FileSystem.writeAtomically("new", to: path) else { return XCTFail("write failed") }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new")
        XCTAssertEqual(kind(path), S_IFREG)
    }

    /// A null device node of the test's own (root only: mknod), so the machine's /dev/null
    /// is never at stake.
    func testADeviceIsWrittenInPlaceNotReplaced() throws {
        let path = try folder() + "/null"
        // Major 1, minor 3, as glibc encodes small numbers: (major << 8) | minor.
        guard mknod(path, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 else {
            throw XCTSkip("mknod needs root: \(String(cString: strerror(errno)))")
        }
        guard case .success = FileSystem.writeAtomically("url: http://127.0.0.1:8080/\n", to: path) else {
            return XCTFail("write failed")
        }
        XCTAssertEqual(kind(path), S_IFCHR, "the device must still be a device")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent), ["null"])
    }
}
