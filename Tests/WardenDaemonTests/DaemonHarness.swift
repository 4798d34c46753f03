import Foundation
import WardenTesting

/// A real `warden-daemon` process on a free loopback port, with a SQLite store and a
/// bouncer key file in a fresh folder, plus the `warden` CLI pointed at the same config.
/// Its Prometheus metrics are on a free port of their own too (never 6060, which a
/// real daemon or another test run may hold).
final class DaemonHarness {
    let folder: String
    let port: Int
    let metricsPort: Int
    let key = "test-bouncer-key-0123456789"
    private var process: Process?
    private let log: String

    var config: String { folder + "/config.yaml" }
    var keyHeader: [String: String] { ["X-Api-Key": key] }

    /// - Parameters:
    ///   - extraConfig: top-level YAML appended to the main config.
    ///   - apiServer: keys added under `api.server`, one a line, unindented.
    init(syncedFiles extraConfig: String = "", apiServer: String = "") throws {
        folder = NSTemporaryDirectory() + "warden-daemon-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/backends", withIntermediateDirectories: true)
        port = try Self.freePort()
        var metricsPort = try Self.freePort()
        while metricsPort == port { metricsPort = try Self.freePort() }
        self.metricsPort = metricsPort
        log = folder + "/daemon.log"
        try """
            plugin:
              backend: ./backends
            api:
              server:
                listen_uri: 127.0.0.1:\(port)
                bouncers_file: ./bouncers
            \(apiServer.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            prometheus:
              listen_addr: 127.0.0.1
              listen_port: \(metricsPort)
            \(extraConfig)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try """
            name: sqlite
            path: \(BuildProducts.library("warden-backend-sqlite"))
            config:
              db_path: \(folder)/warden.db
            """.write(toFile: folder + "/backends/sqlite.yaml", atomically: true, encoding: .utf8)
        let added = try cli("bouncers", "add", "test", "-k", key)
        guard added.status == 0 else { throw RawHTTP.Failure(description: "bouncers add failed: \(added.err)") }
    }

    deinit {
        if let process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Starts the daemon (as `warden-daemon`, or as `warden run` which execs it) and
    /// waits (up to 20 s) until `/health` answers.
    func start(throughRun: Bool = false) throws {
        let process = Process()
        if throughRun {
            process.executableURL = URL(fileURLWithPath: BuildProducts.warden)
            process.arguments = ["-c", config, "run", "--debug"]
        } else {
            process.executableURL = URL(fileURLWithPath: BuildProducts.folder + "/warden-daemon")
            process.arguments = ["-c", config, "--debug"]
        }
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if (try? get("/health").status) == 200 { return }
            guard process.isRunning else { break }
            usleep(100_000)
        }
        throw RawHTTP.Failure(description: "the daemon did not answer /health; its log:\n\(daemonLog)")
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let process else { return -1 }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    /// The running daemon's process id.
    var pid: Int32? { process?.processIdentifier }

    var daemonLog: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    func get(_ target: String, headers: [String: String] = [:]) throws -> RawResponse {
        try RawHTTP.request("GET", target, port: port, headers: headers)
    }

    /// Logs `machine` in as the 1.4.6 agent does; the headers of its later requests
    /// (the token as a bearer, JSON bodies).
    func machineHeaders(_ machine: String, password: String) throws -> [String: String] {
        let answer = try RawHTTP.request(
            "POST", "/v1/watchers/login", port: port, headers: ["User-Agent": MachinesAPITests.agentUA],
            body: #"{"machine_id":"\#(machine)","password":"\#(password)","scenarios":null}"#)
        let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        guard let token = object?["token"] as? String else { throw RawHTTP.Failure(description: "login of \(machine) failed: \(answer.body)") }
        return ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
    }

    /// Runs the `warden` CLI of this build against the harness config.
    @discardableResult
    func cli(_ arguments: String...) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.warden)
        process.arguments = ["-c", config] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// Polls `condition` every 100 ms for up to `seconds`; true once it holds.
    func eventually(within seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    /// A TCP port nobody listens on now (bound to 0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw RawHTTP.Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
