import XCTest
import WardenTestSupport

/// The example backends export `New` and nothing else (`warden_backend.h`, near
/// WARDEN_EXPORT): in C through -fvisibility=hidden, in C++ through a version script,
/// in Rust because a cdylib exports its `#[no_mangle]` functions only.
final class ExampleExportsTests: XCTestCase {
    /// The names `nm -D --defined-only` lists for `library`.
    private func exportedSymbols(_ library: String) throws -> [String] {
        try CCompiler.run("nm", ["-D", "--defined-only", library]).split(separator: "\n").compactMap {
            $0.split(separator: " ").last.map(String.init)
        }
    }

    func testCExampleExportsNewOnly() throws {
        XCTAssertEqual(try exportedSymbols(try CCompiler.cExample.get()), ["New"])
    }

    func testCppExampleExportsNewOnly() throws {
        XCTAssertEqual(try exportedSymbols(try CCompiler.cppExample.get()), ["New"])
    }

    func testRustExampleExportsNewOnly() throws {
        guard let built = CCompiler.rustExample else { throw XCTSkip("no cargo on this machine: the Rust example was not built") }
        XCTAssertEqual(try exportedSymbols(try built.get()), ["New"])
    }
}
