import XCTest
import WardenTestSupport

/// The ABI header is compiled as C and as C++ with every warning an error, so a
/// stranger's compiler never trips on it, and its reading helper is run in each.
final class HeaderTests: XCTestCase {
    /// Reads a simulated ABI 1.1 array (one member appended to each ban) as a 1.0
    /// reader, and a 1.0 ban as a 1.1 reader; exits 0 when both read right.
    private static let program = """
        #include "warden_backend.h"
        struct ban_1_1 { warden_ban_t v1_0; int64_t appended; };
        int main(void) {
            struct ban_1_1 bans[2];
            memset(bans, 0, sizeof bans);
            bans[0].appended = -1;
            bans[1].v1_0.struct_size = sizeof bans[1];
            bans[1].v1_0.until_ns = 42;
            bans[1].appended = 7;
            warden_ban_t old_reader;
            warden_copy_versioned(&old_reader, sizeof old_reader, bans, sizeof bans[0], 1);
            struct ban_1_1 new_reader;
            memset(&new_reader, 0xFF, sizeof new_reader);
            warden_copy_versioned(&new_reader, sizeof new_reader, &bans[1], WARDEN_BAN_V1_0_SIZE, 0);
            int ok = old_reader.struct_size == sizeof(struct ban_1_1) && old_reader.until_ns == 42
                && new_reader.v1_0.until_ns == 42 && new_reader.appended == 0 && WARDEN_BACKEND_V1_0_SIZE == 136;
            return ok ? 0 : 1;
        }

        """

    private func compileAndRun(_ compiler: String, standard: String, extension ext: String) throws {
        let folder = try CCompiler.temporaryFolder("header")
        let source = folder + "/main." + ext
        try Self.program.write(toFile: source, atomically: true, encoding: .utf8)
        try CCompiler.run(compiler, [
            "-std=\(standard)", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", CCompiler.headerFolder,
            "-o", folder + "/main", source,
        ])
        try CCompiler.run(folder + "/main", [])
    }

    func testCompilesAsC11() throws { try compileAndRun("cc", standard: "c11", extension: "c") }
    func testCompilesAsC99() throws { try compileAndRun("cc", standard: "c99", extension: "c") }
    func testCompilesAsCPlusPlus11() throws { try compileAndRun("c++", standard: "c++11", extension: "cpp") }
    func testCompilesAsCPlusPlus17() throws { try compileAndRun("c++", standard: "c++17", extension: "cpp") }
}
