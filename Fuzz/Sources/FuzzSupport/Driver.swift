/// libFuzzer's driver, for the entry point SwiftPM links.
///
/// SwiftPM links an executable target with `main` defined as `<module>_main`, the entry
/// point it asks the compiler for; a fuzz target has no top-level code (`-parse-as-library`),
/// so each one defines `<module>_main` with `@_cdecl` and hands over to libFuzzer here,
/// as libFuzzer's own `main` would. (Where SwiftPM does not rename, libFuzzer's `main`
/// links instead and that function goes unused.)
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, test)
}
