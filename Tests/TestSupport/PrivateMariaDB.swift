import Foundation

/// The private MariaDB server the MySQL tests use: the one `Tests/run.sh` started
/// (WARDEN_TEST_MARIADB_DIR), or one this test process starts and stops itself.
public final class PrivateMariaDB: @unchecked Sendable {
    public let folder: String
    public let socket: String
    public let port: Int
    public let user: String
    public let password: String

    public static let shared: Result<PrivateMariaDB, Error> = Result { try PrivateMariaDB() }

    private init() throws {
        if let folder = ProcessInfo.processInfo.environment["WARDEN_TEST_MARIADB_DIR"] {
            self.folder = folder
        } else {
            folder = try CCompiler.temporaryFolder("mariadb")
            try Self.script("up", folder)
            ownedFolder = folder
            atexit { if let folder = ownedFolder { try? PrivateMariaDB.script("down", folder) } }
        }
        let text = try String(contentsOfFile: folder + "/env", encoding: .utf8)
        var env: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { env[pair[0]] = pair[1] }
        }
        socket = env["MARIADB_SOCKET"] ?? ""
        port = Int(env["MARIADB_PORT"] ?? "") ?? 0
        user = env["MARIADB_USER"] ?? ""
        password = env["MARIADB_PASSWORD"] ?? ""
    }

    /// Runs `Tests/support/mariadb.sh ACTION DIR`.
    public static func script(_ action: String, _ folder: String) throws {
        try CCompiler.run("bash", [CCompiler.repositoryRoot + "/Tests/support/mariadb.sh", action, folder])
    }

    public func stop() throws { try Self.script("stop", folder) }
    public func start() throws { try Self.script("start", folder) }

    /// A backend config over TCP for the database `name` (created on first use).
    public func config(database name: String, password: String? = nil) -> [String: String] {
        ["db_host": "127.0.0.1", "db_port": String(port), "db_username": user,
         "db_password": password ?? self.password, "db_name": Self.databaseName(name)]
    }

    /// The database ``config(database:password:)`` names for `name`.
    private static func databaseName(_ name: String) -> String {
        "w_" + String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(60))
    }

    /// Runs `sql` in the database of `name` with the command-line client, bypassing the
    /// backend; returns its rows, columns separated by tabs.
    public func query(database name: String, _ sql: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["mariadb", "--no-defaults", "--socket=\(socket)", "--user=\(user)", "--password=\(password)",
                             "--batch", "--skip-column-names", "--execute=\(sql)", Self.databaseName(name)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CCompiler.Failure(description: "mariadb failed (\(process.terminationStatus)) on: \(sql)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// The folder to remove at exit when this process started the server.
nonisolated(unsafe) private var ownedFolder: String?
