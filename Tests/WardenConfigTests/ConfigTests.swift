import Foundation
import WardenConfig
import WardenBackendHost
import WardenStore
import XCTest

final class ConfigTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "warden-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/backends", withIntermediateDirectories: true)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func error(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    func testMainConfigResolvesFolderAndInjectedValues() throws {
        let path = try write("config.yaml", "plugin:\n  backend: ./backends\n  max_records: 10000\n  max_records_age: 720h\n")
        let config = try MainConfig.load(path: path)
        XCTAssertEqual(config.backendFolder, folder + "/backends")
        XCTAssertEqual(config.injected, ["max_records": "10000", "max_records_age": "720h"])
    }

    func testInvalidYAMLNamesFileAndLine() throws {
        let path = try write("config.yaml", "plugin:\n  backend: ./backends\n   max_records: [\n")
        XCTAssertEqual(
            error { try MainConfig.load(path: path) },
            "\(path):3: invalid YAML: mapping values are not allowed in this context")
    }

    /// Found by Fuzz/ (a deep input for fuzz-yaml): 50 000 `[` overflowed the stack of the
    /// recursive reader; past 1 000 levels it is an error.
    func testNestingPastAThousandLevelsIsAnErrorNotAStackOverflow() throws {
        let deep = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try YAML.parse(deep, file: "deep.yaml")) { error in
            XCTAssertEqual("\(error)", "deep.yaml:1: sequences and mappings nest more than 1000 deep")
        }
        let fine = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
        XCTAssertNoThrow(try YAML.parse(fine, file: "fine.yaml"))
    }

    func testBadValuesNameTheKeyAndLine() throws {
        let path = try write("config.yaml", "plugin:\n  max_records: lots\n")
        XCTAssertEqual(
            error { try MainConfig.load(path: path) },
            "\(path):2: 'plugin.max_records' must be a whole number of 0 or more")
        let age = try write("age.yaml", "plugin:\n  max_records_age: 30d\n")
        XCTAssertEqual(
            error { try MainConfig.load(path: age) },
            "\(age):2: 'plugin.max_records_age' must be a duration such as 720h or 1h30m")
    }

    func testMissingMainConfig() {
        XCTAssertEqual(
            error { try MainConfig.load(path: folder + "/nope.yaml") },
            "\(folder)/nope.yaml: cannot read the main config: No such file or directory; pass -c PATH or set WARDEN_CONFIG")
    }

    func testBackendFileRelativePathAndConfigMap() throws {
        let path = try write("backends/db.yaml", "name: db\npath: ./libdb.so\nconfig:\n  db_path: /x.db\n  busy_timeout: 5000\n")
        let file = try BackendConfigFile.load(file: path)
        XCTAssertEqual(file, BackendConfigFile(
            name: "db", libraryPath: folder + "/backends/libdb.so",
            config: ["db_path": "/x.db", "busy_timeout": "5000"], file: path))
    }

    func testBackendFileErrors() throws {
        let missing = try write("backends/a.yaml", "path: ./x.so\n")
        XCTAssertEqual(
            error { try BackendConfigFile.load(file: missing) },
            "\(missing): missing key 'name': give the backend a short name such as sqlite")
        let nested = try write("backends/b.yaml", "name: b\npath: x.so\nconfig:\n  db:\n    host: x\n")
        XCTAssertEqual(
            error { try BackendConfigFile.load(file: nested) },
            "\(nested):5: config key 'db' must be a single value, found a mapping")
        let duplicate = try write("backends/c.yaml", "name: c\npath: x.so\nname: d\n")
        XCTAssertEqual(
            error { try BackendConfigFile.load(file: duplicate) },
            "\(duplicate):3: duplicate key 'name' (first set on line 1)")
        let badName = try write("backends/d.yaml", "name: my db\npath: x.so\n")
        XCTAssertEqual(
            error { try BackendConfigFile.load(file: badName) },
            "\(badName):1: 'name' may hold letters, digits, '-', '_' and '.' only, found 'my db'")
    }

    func testFolderScanReadsYamlAndYmlSortedAndLaterNameWins() throws {
        _ = try write("backends/1.yaml", "name: a\npath: one.so\n")
        _ = try write("backends/2.yml", "name: a\npath: two.so\n")
        _ = try write("backends/3.txt", "ignored")
        let all = try BackendConfigFile.loadAll(in: folder + "/backends")
        XCTAssertEqual(all.map(\.libraryPath), [folder + "/backends/two.so"])
    }
}
