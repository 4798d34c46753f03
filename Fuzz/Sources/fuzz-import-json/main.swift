import FuzzSupport
@testable import WardenCLI

/// `warden ban import` of a JSON file (cscli's format). No crash on any input; rows and
/// problems come in file order with lines from 1.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImportJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? JSONDecisions.read(bytes, file: "fuzz.json") else { return 0 }
    let lines = file.rows.map(\.line)
    precondition(lines == lines.sorted() && lines.allSatisfy { $0 >= 1 }, "rows out of order: \(lines)")
    precondition(file.problems.allSatisfy { $0.line >= 1 }, "a problem before line 1")
    return 0
}

@_cdecl("fuzz_import_json_main")
public func fuzzImportJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzImportJSON)
}
