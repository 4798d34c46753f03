import Foundation
import Logging
import WardenAllowlist
import WardenConfig
import WardenStore
import WardenTesting
import XCTest
import WardenTestSupport

/// The files of `config/`, as shipped: they parse, they name libraries this build
/// makes, only SQLite ships enabled, and every key a backend file sets, or shows
/// in a commented-out `# key: value` line, is a key that backend reads: its init
/// succeeds without an "ignoring unknown config key(s)" warning. So a shipped file
/// cannot rot when a key is renamed.
final class ShippedConfigTests: XCTestCase {
    private let root = CCompiler.repositoryRoot + "/config"
    private var backendFolder: String { root + "/plugins/backend" }
    private let clock = ManualClock()

    /// Every file below `config/plugins/backend`, the disabled ones included.
    private func backendFiles() throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: backendFolder).sorted()
            .map { backendFolder + "/" + $0 }
            .filter { !FileSystem.isDirectory($0) }
    }

    func testMainConfigLoadsWithTheDocumentedValues() throws {
        let main = try MainConfig.load(path: root + "/config.yaml")
        XCTAssertEqual(main.backendFolder, backendFolder)
        XCTAssertEqual(main.injected, ["max_records": "10000", "max_records_age": "720h"])
        XCTAssertEqual(main.api, APIConfig(host: "127.0.0.1", port: 8080, bouncersFile: "/var/lib/warden/bouncers"))
        XCTAssertEqual(main.allowlistFile, root + "/allowlist")
        XCTAssertEqual(
            main.notifications,
            NotificationPaths(notificationFolder: root + "/notifications", pluginFolder: "/usr/lib/crowdsec/plugins"))
    }

    /// The shipped simulation file simulates nothing; its commented exclusion loads.
    func testTheShippedSimulationFileSimulatesNothing() throws {
        let text = try String(contentsOfFile: root + "/simulation.yaml", encoding: .utf8)
        XCTAssertEqual(try SimulationConfig.parse(text, file: "simulation.yaml"), SimulationConfig())
        let uncommented = text.replacingOccurrences(of: "# exclusions:", with: "exclusions:")
            .replacingOccurrences(of: "#   - ", with: "  - ")
        let config = try SimulationConfig.parse(uncommented, file: "simulation.yaml")
        XCTAssertEqual(config, SimulationConfig(global: false, exclusions: ["crowdsecurity/http-probing"]))
        XCTAssertTrue(config.isSimulated(scenario: "crowdsecurity/http-probing"))
        XCTAssertFalse(config.isSimulated(scenario: "crowdsecurity/ssh-bf"))
        let main = try MainConfig.load(path: root + "/config.yaml")
        XCTAssertNil(main.simulationFile, "the shipped config leaves simulation_path commented: simulation.yaml beside it")
    }

    /// The shipped allowlist is the one that applies without a file: loopback.
    func testTheShippedAllowlistIsLoopback() throws {
        XCTAssertEqual(try AllowlistFile(path: root + "/allowlist").load().entries, Allowlist.defaultEntries)
    }

    func testTheCommentedTLSExampleLoads() throws {
        let text = try String(contentsOfFile: root + "/config.yaml", encoding: .utf8)
            .replacingOccurrences(of: "    # tls:\n", with: "    tls:\n")
            .replacingOccurrences(of: "    #   cert_file:", with: "      cert_file:")
            .replacingOccurrences(of: "    #   key_file:", with: "      key_file:")
        let path = NSTemporaryDirectory() + "warden-tls-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(
            try MainConfig.load(path: path).api.tls,
            APIConfig.TLSFiles(certificateFile: "/etc/warden/tls/cert.pem", keyFile: "/etc/warden/tls/key.pem"))
    }

    /// Every commented example under `api.server`, uncommented at once, loads with the
    /// values its comment gives (the defaults where it shows them).
    func testTheCommentedServerExamplesLoad() throws {
        let examples = [
            "# listen_socket: /run/warden/lapi.sock", "# identity_backend: mysql", "# profiles_path: /etc/warden/profiles.yaml",
            "# trusted_ips:", "#   - 192.0.2.10", "#   - 10.0.0.0/8",
            "# auto_registration:", "#   enabled: true", "#   token: change-me-to-32-or-more-random-characters",
            "#   allowed_ranges:", "#     - 10.0.0.0/8",
            "# read_header_timeout: 10s", "# read_body_timeout: 60s", "# idle_timeout: 120s", "# max_connections: 10000",
            "# max_connections_per_ip: 1000", "# store_timeout: 10s",
            "# login_throttle:", "#   free_failures: 5", "#   max_delay: 15m", "#   ban_after: 0", "#   ban_duration: 4h",
            "# tls:", "#   cert_file: /etc/warden/tls/cert.pem", "#   key_file: /etc/warden/tls/key.pem",
            "#   client_verification: VerifyClientCertIfGiven", "#   ca_cert_path: /etc/warden/tls/ca.pem",
            "#   crl_path: /etc/warden/tls/ca.crl", "#   bouncers_allowed_ou: [bouncer-ou]", "#   agents_allowed_ou: [agent-ou]",
        ]
        var lines = try String(contentsOfFile: root + "/config.yaml", encoding: .utf8).components(separatedBy: "\n")
        for example in examples {
            // The example alone on its line, or with a trailing comment (not a description going on).
            let found = lines.indices.filter { index in
                guard lines[index].hasPrefix("    " + example) else { return false }
                let rest = lines[index].dropFirst(4 + example.count).drop { $0 == " " }
                return rest.isEmpty || rest.hasPrefix("#")
            }
            XCTAssertEqual(found.count, 1, "the example '\(example)' stands once in config.yaml")
            for index in found { lines[index] = lines[index].replacingOccurrences(of: "    # ", with: "    ", options: .anchored) }
        }
        let path = NSTemporaryDirectory() + "warden-examples-\(UUID().uuidString).yaml"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let api = try MainConfig.load(path: path).api
        XCTAssertEqual(api.listenSocket, "/run/warden/lapi.sock")
        XCTAssertEqual(api.identityBackend, "mysql")
        XCTAssertEqual(api.profilesFile, "/etc/warden/profiles.yaml")
        XCTAssertEqual(api.trustedNetworks.map(\.description), ["192.0.2.10/32", "10.0.0.0/8"], "an address is its own block")
        XCTAssertEqual(api.autoRegistration?.token, "change-me-to-32-or-more-random-characters")
        XCTAssertEqual(api.autoRegistration?.allowedRanges.map(\.description), ["10.0.0.0/8"])
        XCTAssertEqual(api.limits, ServerLimits(), "the timeouts and bounds shown are the defaults")
        XCTAssertEqual(api.loginThrottling, LoginThrottling(), "and so are the login throttle's")
        var clients = ClientCertificates()
        clients.caFile = "/etc/warden/tls/ca.pem"
        clients.crlFile = "/etc/warden/tls/ca.crl"
        XCTAssertEqual(
            api.tls,
            APIConfig.TLSFiles(certificateFile: "/etc/warden/tls/cert.pem", keyFile: "/etc/warden/tls/key.pem", clientCertificates: clients))
    }

    func testOnlySQLiteShipsEnabled() throws {
        XCTAssertEqual(try BackendConfigFile.loadAll(in: backendFolder).map(\.name), ["sqlite"])
        XCTAssertEqual(
            try backendFiles().map { String($0.dropFirst(backendFolder.count + 1)) },
            ["dummy.yaml.disabled", "mysql.yaml.disabled", "postgresql.yaml.disabled", "sqlite.yaml"])
    }

    func testEveryFileNamesTheInstalledLibraryOfABackendThisBuildMakes() throws {
        for path in try backendFiles() {
            let file = try BackendConfigFile.load(file: path)
            XCTAssertEqual(file.libraryPath, "/usr/lib/warden/libwarden-backend-\(file.name).so", path)
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: BuildProducts.library("warden-backend-\(file.name)")), path)
        }
    }

    func testEveryKeySetOrShownIsOneTheBackendReads() throws {
        let main = try MainConfig.load(path: root + "/config.yaml")
        let scratch = try CCompiler.temporaryFolder("shipped-config")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for path in try backendFiles() {
            let shipped = try BackendConfigFile.load(file: path)
            let examplesPath = scratch + "/" + URL(fileURLWithPath: path).lastPathComponent
            try Self.uncommentingExamples(String(contentsOfFile: path, encoding: .utf8))
                .write(toFile: examplesPath, atomically: true, encoding: .utf8)
            let withExamples = try BackendConfigFile.load(file: examplesPath)
            XCTAssertGreaterThan(withExamples.config.count, shipped.config.count, "\(path) shows no example key")
            for (file, label) in [(shipped, path), (withExamples, path + ", its examples uncommented")] {
                var config = file.config
                // Only what points at this machine changes; every key stays.
                switch file.name {
                case "sqlite":
                    config["db_path"] = scratch + "/\(config.count).db"
                case "mysql":
                    let server = try PrivateMariaDB.shared.get()
                    config.merge(server.config(database: "shipped_\(config.count)")) { _, server in server }
                    if config["db_socket"] != nil { config["db_socket"] = server.socket }
                    if config["tls"] != nil { config["tls"] = "false" }  // the private server has no certificate
                case "postgresql":
                    let server = try PrivatePostgreSQL.shared.get()
                    config.merge(server.config(database: "shipped_\(config.count)")) { _, server in server }
                    config.removeValue(forKey: "sslrootcert")  // the private cluster has no certificate
                case "dummy":
                    break
                default:
                    XCTFail("\(label): a new shipped backend; say here how to point it at this machine")
                    continue
                }
                let recorder = LogRecorder()
                var injected = main.injected
                injected["flush"] = "false"
                let backend = try BanStore.load(
                    BackendConfigFile(name: file.name, libraryPath: BuildProducts.library("warden-backend-\(file.name)"),
                                      config: config, file: file.file),
                    injected: injected, logger: recorder.logger(), clock: clock.closure, allowUnsafeFiles: false)
                try backend.shutdown()
                XCTAssertEqual(recorder.records.filter { $0.level >= .warning }.map(\.message), [], label)
            }
        }
    }

    /// `text` with each commented-out example of the `config:` map, a line
    /// `  # key: value` whose value is one word, turned into a real `  key: value`.
    /// Descriptions (`  # key: what it does…`) have several words and stay comments.
    static func uncommentingExamples(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("  # ") else { return String(line) }
            let pair = line.dropFirst(4).split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].allSatisfy({ $0.isLowercase || $0 == "_" }),
                  pair[1].hasPrefix(" "), pair[1].dropFirst().split(separator: " ").count == 1
            else { return String(line) }
            return "  " + line.dropFirst(4)
        }.joined(separator: "\n")
    }
}
