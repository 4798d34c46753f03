import Foundation
import XCTest

/// `api.server.identity_backend`: the daemon takes bouncers, machines and the token secret
/// from the SQLite backend's documents, follows changes made by any node's CLI without a
/// restart, and keeps signing with the one secret across restarts.
final class SharedIdentitiesTests: XCTestCase {
    func testChangesMadeElsewhereAreFollowedAndTokensOutliveARestart() throws {
        let daemon = try DaemonHarness(apiServer: "identity_backend: sqlite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.folder + "/bouncers"), "the key went to the document")
        XCTAssertEqual(try daemon.cli("machines", "add", "agent1", "-p", "agent1-password", "-f", "-").status, 0)
        try daemon.start()
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.1", headers: daemon.keyHeader).status, 200)
        let machine = try daemon.machineHeaders("agent1", password: "agent1-password")

        let lateKey = ["X-Api-Key": "late-bouncer-key-0123456789"]
        XCTAssertEqual(try daemon.get("/v1/decisions?ip=192.0.2.1", headers: lateKey).status, 403)
        XCTAssertEqual(try daemon.cli("bouncers", "add", "late", "-k", "late-bouncer-key-0123456789").status, 0)
        XCTAssertTrue(try daemon.eventually { try daemon.get("/v1/decisions?ip=192.0.2.1", headers: lateKey).status == 200 },
                      "a bouncer registered while the daemon runs is accepted")
        XCTAssertEqual(try daemon.cli("bouncers", "delete", "test").status, 0)
        XCTAssertTrue(try daemon.eventually { try daemon.get("/v1/decisions?ip=192.0.2.1", headers: daemon.keyHeader).status == 403 },
                      "a deleted one is refused")
        XCTAssertTrue(daemon.daemonLog.contains("bouncer keys reloaded: 1 bouncer(s); added: none; removed: test"), daemon.daemonLog)

        XCTAssertEqual(daemon.stop(), 0)
        try daemon.start()
        XCTAssertEqual(try daemon.get("/v1/alerts?limit=1", headers: machine).status, 200,
                       "the token signed before the restart is still good: the secret is the document's")
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.folder + "/machines.jwt-secret"))
        XCTAssertEqual(daemon.stop(), 0)
    }
}
