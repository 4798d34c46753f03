import Foundation
import Glibc
import WardenMetricNames
import XCTest

/// `warden-daemon` against clients that misbehave: half-sent requests closed at their
/// deadline, an address past its connection bound turned away while others are served,
/// and password guessing answered 429 with `Retry-After`. Each with its metric.
final class HostileClientsTests: XCTestCase {
    /// A TCP connection to the daemon from `source` (a loopback address), left open.
    private func connect(_ port: Int, from source: String = "127.0.0.1") throws -> Int32 {
        try RawHTTP.connect(port: port, from: source)
    }

    /// Whether the daemon closes `fd` (read gives end of file) within `seconds`; false if
    /// the connection is still open then.
    private func isClosedByServer(_ fd: Int32, within seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        while true {
            let count = recv(fd, &byte, 1, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    private func metric(_ daemon: DaemonHarness, _ series: String) throws -> String? {
        let text = try RawHTTP.request("GET", "/metrics", port: daemon.metricsPort).body
        return text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
    }

    func testAHalfSentHeadIsClosedAtItsDeadlineAndAnIdleConnectionAtItsOwn() throws {
        let daemon = try DaemonHarness(apiServer: "read_header_timeout: 1s\nidle_timeout: 2s")
        try daemon.start()
        let slow = try connect(daemon.port)
        defer { close(slow) }
        _ = "GET /v1/decisions?ip=192.0.2.1 HTTP/1.1\r\nHost: warden\r\n".withCString { send(slow, $0, strlen($0), 0) }
        XCTAssertTrue(isClosedByServer(slow, within: 15), "a head that never ends must not hold the connection")
        // A kept-alive connection: answered, then closed once idle for idle_timeout.
        let kept = try connect(daemon.port)
        defer { close(kept) }
        let request = "GET /health HTTP/1.1\r\nHost: warden\r\n\r\n"
        _ = request.withCString { send(kept, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(kept, &buffer, buffer.count, 0)
        XCTAssertTrue(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
        XCTAssertTrue(isClosedByServer(kept, within: 15), "an idle kept-alive connection is closed after idle_timeout")
        let closed = WardenMetricNames.apiConnectionsClosed
        XCTAssertEqual(try metric(daemon, #"\#(closed){reason="header_timeout"}"#), "1")
        XCTAssertEqual(try metric(daemon, #"\#(closed){reason="idle_timeout"}"#), "1")
        XCTAssertEqual(try metric(daemon, #"\#(closed){reason="body_timeout"}"#), "0")
        XCTAssertEqual(daemon.stop(), 0)
    }

    func testABodyThatStopsHalfwayIsClosedAtItsDeadline() throws {
        let daemon = try DaemonHarness(apiServer: "read_body_timeout: 1s")
        try daemon.start()
        let slow = try connect(daemon.port)
        defer { close(slow) }
        let head = "POST /v1/watchers/login HTTP/1.1\r\nHost: warden\r\nContent-Length: 100\r\n\r\n{\"machine_id\":"
        _ = head.withCString { send(slow, $0, strlen($0), 0) }
        XCTAssertTrue(isClosedByServer(slow, within: 15))
        XCTAssertEqual(try metric(daemon, #"\#(WardenMetricNames.apiConnectionsClosed){reason="body_timeout"}"#), "1")
        XCTAssertEqual(daemon.stop(), 0)
    }

    /// One address at its bound is turned away with a log line; other addresses are
    /// served, and the address is served again once its connections close.
    func testAnAddressPastItsBoundIsTurnedAwayAndOthersAreServed() throws {
        let daemon = try DaemonHarness(apiServer: "max_connections_per_ip: 2")
        try daemon.start()
        // Two kept-alive connections, each answered once, so the daemon has counted both.
        let held = try (0..<2).map { _ in try connect(daemon.port, from: "127.0.0.2") }
        for fd in held {
            _ = "GET /health HTTP/1.1\r\nHost: warden\r\n\r\n".withCString { send(fd, $0, strlen($0), 0) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            XCTAssertGreaterThan(recv(fd, &buffer, buffer.count, 0), 0)
        }
        let extra = try connect(daemon.port, from: "127.0.0.2")
        defer { close(extra) }
        XCTAssertTrue(isClosedByServer(extra, within: 15), "a third connection from 127.0.0.2 is closed at once")
        XCTAssertEqual(try daemon.get("/health").status, 200, "another address is served")
        XCTAssertTrue(daemon.daemonLog.contains(
            "Local API: closing new connections from 127.0.0.2: it holds 2 already (api.server.max_connections_per_ip); reported once a minute while it lasts"))
        for fd in held { close(fd) }
        XCTAssertTrue(daemon.eventually { (try? RawHTTP.request("GET", "/health", port: daemon.port, from: "127.0.0.2").status) == 200 })
        let refused = try metric(daemon, #"\#(WardenMetricNames.apiConnectionsClosed){reason="per_ip_limit"}"#)
        XCTAssertNotEqual(refused, "0")
        XCTAssertEqual(daemon.stop(), 0)
    }

    /// Wrong passwords past `free_failures` are answered 429 with LAPI's error shape and
    /// `Retry-After`, without a password check; the machine's own password still gets in.
    func testGuessedPasswordsAreThrottledAndTheAgentStillLogsIn() throws {
        let daemon = try DaemonHarness(apiServer: "login_throttle:\n  free_failures: 1\n  max_delay: 1m")
        try daemon.cli("machines", "add", "agent-ssh", "-p", "agentPassw0rd-abcdef")
        try daemon.start()
        _ = try daemon.machineHeaders("agent-ssh", password: "agentPassw0rd-abcdef")
        func guess() throws -> RawResponse {
            try RawHTTP.request(
                "POST", "/v1/watchers/login", port: daemon.port, headers: ["User-Agent": MachinesAPITests.agentUA],
                body: #"{"machine_id":"agent-ssh","password":"guess","scenarios":null}"#, from: "127.0.0.3")
        }
        let answers = try (0..<3).map { _ in try guess() }
        XCTAssertEqual(answers.map(\.status), [401, 401, 429])
        XCTAssertEqual(answers[0].body, #"{"code":401,"message":"incorrect Username or Password"}"#)
        XCTAssertEqual(answers[2].body, #"{"message":"too many failed logins from 127.0.0.3; try again in 1s"}"#)
        XCTAssertEqual(answers[2].headers["retry-after"], "1")
        XCTAssertEqual(answers[2].headers["content-type"], "application/json; charset=utf-8")
        _ = try daemon.machineHeaders("agent-ssh", password: "agentPassw0rd-abcdef")
        let logins = WardenMetricNames.machineLogins
        XCTAssertEqual(try metric(daemon, #"\#(logins){result="accepted"}"#), "2")
        XCTAssertEqual(try metric(daemon, #"\#(logins){result="refused"}"#), "2")
        XCTAssertEqual(try metric(daemon, #"\#(logins){result="throttled"}"#), "1")
        XCTAssertEqual(daemon.stop(), 0)
    }
}
