import Foundation

/// Builds C test fixtures with the system compiler.
enum CCompiler {
    /// The repository root (three levels above this file).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let headerFolder = repositoryRoot + "/Sources/CWardenBackend/include"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `cc` (or `c++`) with `arguments`; throws with the compiler's output on failure.
    static func run(_ compiler: String = "cc", _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [compiler] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(compiler) \(arguments.joined(separator: " ")) failed:\n\(output)")
        }
    }

    /// Compiles `source` into the shared library `output` with strict warnings.
    static func sharedLibrary(_ source: String, output: String, defines: [String] = []) throws {
        try run("cc", [
            "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
            "-I", headerFolder, "-o", output, source, "-lpthread",
        ] + defines.map { "-D" + $0 })
    }

    /// A new empty folder under the system temp folder.
    static func temporaryFolder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "warden-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The C example backend, built once per test process.
    static let cExample: Result<String, Error> = Result {
        let folder = try temporaryFolder("c-example")
        let output = folder + "/libwarden-c-example.so"
        try sharedLibrary(repositoryRoot + "/Examples/c-backend/memory_backend.c", output: output)
        return output
    }
}
