import Foundation
import Glibc
import XCTest

/// `api.server.listen_socket`: the Local API on a unix socket beside TCP, its file's
/// mode, a stale socket replaced, anything else refused, the file removed at shutdown.
final class UnixSocketTests: XCTestCase {
    private var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// A fresh folder for a socket, short enough for a unix socket path; removed after the test.
    private func makeSocketFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "wsock-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        folders.append(folder)
        return folder
    }

    func testTheAPIAnswersOnTheSocketAsOnTCP() throws {
        let socketFolder = try makeSocketFolder()
        let path = socketFolder + "/lapi.sock"
        let daemon = try DaemonHarness(apiServer: "listen_socket: \(path)")
        XCTAssertEqual(try daemon.cli("ban", "add", "ip", "192.0.2.7", "1h", "test").status, 0)
        try daemon.start()
        let health = try RawHTTP.request("GET", "/health", port: 0, unixSocket: path)
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.body, #"{"status":"up"}"#)
        let decisions = try RawHTTP.request("GET", "/v1/decisions?ip=192.0.2.7", port: 0, headers: daemon.keyHeader, unixSocket: path)
        XCTAssertEqual(decisions.status, 200)
        XCTAssertTrue(decisions.body.contains(#""value":"192.0.2.7""#), decisions.body)
        XCTAssertEqual(try RawHTTP.request("GET", "/v1/decisions", port: 0, unixSocket: path).status, 403, "a key is still needed")
        XCTAssertEqual(try daemon.get("/health").status, 200, "TCP still serves")
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o660)
        XCTAssertTrue(try daemon.eventually {
            try daemon.cli("bouncers", "list", "-o", "raw").out.contains("test,127.0.0.1,")
        }, "a peer on the socket is this host")
        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the socket file is removed at shutdown")
    }

    /// A socket left by a daemon that died is replaced; a file that is not a socket is not.
    func testAStaleSocketIsReplacedAndAnythingElseRefused() throws {
        let socketFolder = try makeSocketFolder()
        let path = socketFolder + "/lapi.sock"
        // A socket file nobody listens on: bound, then closed without unlink.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        XCTAssertEqual(withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }, 0)
        close(fd)
        let daemon = try DaemonHarness(apiServer: "listen_socket: \(path)")
        try daemon.start()
        XCTAssertEqual(try RawHTTP.request("GET", "/health", port: 0, unixSocket: path).status, 200)
        XCTAssertEqual(daemon.stop(), 0)

        FileManager.default.createFile(atPath: path, contents: Data("not a socket".utf8))
        let refused = try DaemonHarness(apiServer: "listen_socket: \(path)")
        XCTAssertThrowsError(try refused.start())
        XCTAssertTrue(refused.daemonLog.contains(
            "cannot serve the Local API on \(path): a file that is not a socket is there; remove it or change api.server.listen_socket"),
            refused.daemonLog)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "not a socket", "left as it was")
    }

    /// A socket another daemon serves on is not taken over; a missing folder is named.
    func testASocketInUseAndAMissingFolderAreRefused() throws {
        let socketFolder = try makeSocketFolder()
        let path = socketFolder + "/lapi.sock"
        let serving = try DaemonHarness(apiServer: "listen_socket: \(path)")
        try serving.start()
        let second = try DaemonHarness(apiServer: "listen_socket: \(path)")
        XCTAssertThrowsError(try second.start())
        XCTAssertTrue(second.daemonLog.contains(
            "cannot serve the Local API on \(path): another process serves on that socket; stop it or change api.server.listen_socket"),
            second.daemonLog)
        XCTAssertEqual(try RawHTTP.request("GET", "/health", port: 0, unixSocket: path).status, 200, "the first one still serves")
        XCTAssertEqual(serving.stop(), 0)

        let missing = socketFolder + "/gone/lapi.sock"
        let homeless = try DaemonHarness(apiServer: "listen_socket: \(missing)")
        XCTAssertThrowsError(try homeless.start())
        XCTAssertTrue(homeless.daemonLog.contains(
            "cannot serve the Local API on \(missing): the folder \(socketFolder)/gone does not exist; create it (systemd: "
                + "RuntimeDirectory=) or change api.server.listen_socket"), homeless.daemonLog)
    }
}
