import XCTest

/// The ABI header is compiled as C and as C++ with every warning an error,
/// so a stranger's compiler never trips on it.
final class HeaderTests: XCTestCase {
    private func compile(_ compiler: String, standard: String, extension ext: String) throws {
        let folder = try CCompiler.temporaryFolder("header")
        let source = folder + "/main." + ext
        try "#include \"warden_backend.h\"\nint main(void) { return (int)WARDEN_BACKEND_V1_0_SIZE == 136 ? 0 : 1; }\n"
            .write(toFile: source, atomically: true, encoding: .utf8)
        try CCompiler.run(compiler, [
            "-std=\(standard)", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", CCompiler.headerFolder,
            "-o", folder + "/main", source,
        ])
    }

    func testCompilesAsC11() throws { try compile("cc", standard: "c11", extension: "c") }
    func testCompilesAsC99() throws { try compile("cc", standard: "c99", extension: "c") }
    func testCompilesAsCPlusPlus11() throws { try compile("c++", standard: "c++11", extension: "cpp") }
    func testCompilesAsCPlusPlus17() throws { try compile("c++", standard: "c++17", extension: "cpp") }
}
