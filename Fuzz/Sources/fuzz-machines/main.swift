import FuzzSupport
import WardenMachines

/// The machines file (`api.server.machines_file`). No crash on any input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMachines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let path = ScratchFile.write(data, size)
    _ = try? MachineFile(path: path).load()
    return 0
}

@_cdecl("fuzz_machines_main")
public func fuzzMachinesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMachines)
}
