import Foundation

/// The private MariaDB server the MySQL tests use: the one `Tests/run.sh` started
/// (WARDEN_TEST_MARIADB_DIR), or one this test process starts and stops itself.
final class PrivateMariaDB: @unchecked Sendable {
    let folder: String
    let socket: String
    let port: Int
    let user: String
    let password: String

    static let shared: Result<PrivateMariaDB, Error> = Result { try PrivateMariaDB() }

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
    static func script(_ action: String, _ folder: String) throws {
        try CCompiler.run("bash", [CCompiler.repositoryRoot + "/Tests/support/mariadb.sh", action, folder])
    }

    func stop() throws { try Self.script("stop", folder) }
    func start() throws { try Self.script("start", folder) }

    /// A backend config over TCP for the database `name` (created on first use).
    func config(database name: String, password: String? = nil) -> [String: String] {
        let safe = String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(60))
        return ["db_host": "127.0.0.1", "db_port": String(port), "db_username": user,
                "db_password": password ?? self.password, "db_name": "w_" + safe]
    }
}

/// The folder to remove at exit when this process started the server.
nonisolated(unsafe) private var ownedFolder: String?
