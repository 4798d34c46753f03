import WardenConfig
import XCTest

/// CrowdSec's simulation.yaml: what it simulates, and each way the file can be wrong.
final class SimulationConfigTests: XCTestCase {
    private func parse(_ text: String) throws -> SimulationConfig { try SimulationConfig.parse(text, file: "sim.yaml") }

    func testGlobalSwitchAndExclusionsTurnEachOther() throws {
        let off = try parse("simulation: off\nexclusions:\n  - crowdsecurity/ssh-bf\n")
        XCTAssertTrue(off.isSimulated(scenario: "crowdsecurity/ssh-bf"))
        XCTAssertFalse(off.isSimulated(scenario: "crowdsecurity/http-probing"))
        let on = try parse("simulation: true\nexclusions: [crowdsecurity/ssh-bf]\n")
        XCTAssertFalse(on.isSimulated(scenario: "crowdsecurity/ssh-bf"))
        XCTAssertTrue(on.isSimulated(scenario: "anything"))
        XCTAssertEqual(try parse("exclusions:\n"), SimulationConfig())
        XCTAssertEqual(try parse(""), SimulationConfig())
    }

    func testErrorsNameTheFileLineAndKey() throws {
        for (text, message) in [
            ("simulation: maybe\n", "sim.yaml:1: 'simulation' must be on or off (true/false, yes/no), found 'maybe'"),
            ("exclusions: ssh\n", "sim.yaml:1: 'exclusions' must be a list of scenario names, found a scalar"),
            ("exclusions:\n  - [a]\n", "sim.yaml:2: each exclusion must be a scenario name, found a list"),
            ("simulated: on\n", "sim.yaml:1: unknown key 'simulated' in the simulation file; it takes 'simulation' and 'exclusions'"),
            ("- a\n", "sim.yaml:1: the simulation file must be a mapping, found a list"),
        ] {
            XCTAssertThrowsError(try parse(text), text) { XCTAssertEqual("\($0)", message, text) }
        }
        XCTAssertThrowsError(try SimulationConfig.load(path: "/nonexistent/sim.yaml")) {
            XCTAssertTrue("\($0)".hasSuffix("fix config_paths.simulation_path or create the file"), "\($0)")
        }
    }
}
