import Foundation

/// C backends compiled once for the CLI tests: the C example, and the fixture that
/// fails every call.
enum CExample {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let library: Result<String, Error> = Result {
        let output = try folder() + "/libwarden-c-example.so"
        try run(["make", "-s", "-C", root + "/Examples/c-backend", "OUT=\(output)"])
        return output
    }

    /// `Tests/Fixtures/broken_backend.c` built with `CALLS_FAIL`: every insert, read and
    /// delete returns WARDEN_E_IO.
    static let failing: Result<String, Error> = Result {
        let output = try folder() + "/libfailing.so"
        try run([
            "cc", "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden", "-DCALLS_FAIL",
            "-I", root + "/Sources/CWardenBackend/include", "-o", output, root + "/Tests/Fixtures/broken_backend.c",
        ])
        return output
    }

    private static func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "warden-cli-c-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
