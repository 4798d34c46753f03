import FuzzSupport
import WardenAllowlist
import WardenModel

/// The allowlist file. No crash on any input; every entry read writes back (as its
/// target's text) to the same target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAllowlist(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let path = ScratchFile.write(data, size)
    guard let allowlist = try? AllowlistFile(path: path).load() else { return 0 }
    for entry in allowlist.entries {
        let again = try? AllowlistEntry.parseTarget("\(entry.target)")
        precondition(again == entry.target, "\(entry.target) reads back as \(String(describing: again))")
    }
    return 0
}

@_cdecl("fuzz_allowlist_main")
public func fuzzAllowlistMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzAllowlist)
}
