import FuzzSupport
import WardenConfig
import WardenExpr
import WardenProfiles

/// The YAML files (libyaml through WardenConfig's reader): one input is read as every
/// kind of YAML file Warden loads: the main config, a backend file, simulation.yaml and
/// profiles.yaml (whose filters compile with WardenExpr). No crash on any input; a
/// ConfigError is an ordinary answer.
private let environment = ProfileEnvironment.make(history: EmptyDecisionHistory(), now: { 1_800_000_000 })

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let first = try? YAML.parse(text, file: "fuzz.yaml")
    let all = try? YAML.parseDocuments(text, file: "fuzz.yaml")
    // A stream that reads whole reads its first document too (parse stops at the first).
    if all != nil, first == nil { preconditionFailure("parseDocuments reads a stream whose first document parse refuses") }
    _ = try? SimulationConfig.parse(text, file: "simulation.yaml")
    _ = try? Profiles(text, file: "profiles.yaml", environment: environment)
    let path = ScratchFile.write(data, size)
    _ = try? MainConfig.load(path: path)
    _ = try? BackendConfigFile.load(file: path)
    return 0
}

@_cdecl("fuzz_yaml_main")
public func fuzzYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzYAML)
}
