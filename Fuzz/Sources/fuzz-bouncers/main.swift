import FuzzSupport
import WardenBouncers

/// The bouncer keys file (`api.server.bouncers_file`). No crash on any input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBouncers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let path = ScratchFile.write(data, size)
    _ = try? BouncerKeyFile(path: path).load()
    return 0
}

@_cdecl("fuzz_bouncers_main")
public func fuzzBouncersMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzBouncers)
}
