import Foundation

/// The C example backend, compiled once for the CLI tests.
enum CExample {
    static let library: Result<String, Error> = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let folder = NSTemporaryDirectory() + "warden-cli-c-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["make", "-s", "-C", root + "/Examples/c-backend", "OUT=\(folder)/libwarden-c-example.so"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return folder + "/libwarden-c-example.so"
    }
}
