import Foundation

/// The private PostgreSQL cluster the PostgreSQL tests use: the one `Tests/run.sh` started
/// (WARDEN_TEST_POSTGRES_DIR), or one this test process starts and stops itself.
public final class PrivatePostgreSQL: @unchecked Sendable {
    public let folder: String
    public let port: Int
    public let user: String
    public let password: String

    public static let shared: Result<PrivatePostgreSQL, Error> = Result { try PrivatePostgreSQL() }

    private init() throws {
        if let folder = ProcessInfo.processInfo.environment["WARDEN_TEST_POSTGRES_DIR"] {
            self.folder = folder
        } else {
            folder = try CCompiler.temporaryFolder("postgresql")
            try Self.script("up", folder)
            ownedPostgresFolder = folder
            atexit { if let folder = ownedPostgresFolder { try? PrivatePostgreSQL.script("down", folder) } }
        }
        let text = try String(contentsOfFile: folder + "/env", encoding: .utf8)
        var env: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { env[pair[0]] = pair[1] }
        }
        port = Int(env["POSTGRES_PORT"] ?? "") ?? 0
        user = env["POSTGRES_USER"] ?? ""
        password = env["POSTGRES_PASSWORD"] ?? ""
    }

    /// Runs `Tests/support/postgresql.sh ACTION DIR`.
    public static func script(_ action: String, _ folder: String) throws {
        try CCompiler.run("bash", [CCompiler.repositoryRoot + "/Tests/support/postgresql.sh", action, folder])
    }

    public func stop() throws { try Self.script("stop", folder) }
    public func start() throws { try Self.script("start", folder) }

    /// A backend config over TCP for the database `name` (created on first use).
    public func config(database name: String, password: String? = nil) -> [String: String] {
        ["db_host": "127.0.0.1", "db_port": String(port), "db_username": user,
         "db_password": password ?? self.password, "db_name": Self.databaseName(name), "sslmode": "disable"]
    }

    /// The database ``config(database:password:)`` names for `name`.
    public static func databaseName(_ name: String) -> String {
        "w_" + String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(60))
    }

    /// Runs `sql` in the database of `name` with psql, bypassing the backend; returns its
    /// rows, columns separated by tabs.
    public func query(database name: String, _ sql: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                             "-p", String(port), "-U", user, "-d", Self.databaseName(name), "-c", sql]
        process.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": password]) { _, b in b }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CCompiler.Failure(description: "psql failed (\(process.terminationStatus)) on: \(sql)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// The folder to remove at exit when this process started the cluster.
nonisolated(unsafe) private var ownedPostgresFolder: String?
