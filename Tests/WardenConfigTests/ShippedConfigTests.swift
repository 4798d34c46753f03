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
