import Foundation
import WardenConfig

/// Builds C test fixtures with the system compiler.
public enum CCompiler {
    /// The repository root (three levels above this file).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public static let headerFolder = repositoryRoot + "/Sources/CWardenBackend/include"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Runs `compiler` (any program on PATH) with `arguments` and waits for it; returns its
    /// output (stdout and stderr), throws with it when it fails. Uses posix_spawnp and waitpid
    /// directly: Foundation's Process can miss the exit of a script that leaves a daemon running.
    @discardableResult
    public static func run(_ compiler: String = "cc", _ arguments: [String]) throws -> String {
        let log = NSTemporaryDirectory() + "warden-run-\(UUID().uuidString).log"
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = ([compiler] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, compiler, &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot start \(compiler): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Read with libc: FoundationEssentials' String(contentsOfFile:) leaks its buffer
        // (4 KiB a call under valgrind), which would fail Tests/support/memcheck.sh.
        let output = (try? FileSystem.read(log).get()) ?? ""
        guard status == 0 else {
            throw Failure(description: "\(compiler) \(arguments.joined(separator: " ")) failed:\n\(output)")
        }
        return output
    }

    /// Compiles `source` into the shared library `output` with strict warnings, plus the
    /// flags of WARDEN_TEST_CFLAGS (Tests/support/memcheck.sh builds with AddressSanitizer).
    public static func sharedLibrary(_ source: String, output: String, defines: [String] = []) throws {
        let extra = ProcessInfo.processInfo.environment["WARDEN_TEST_CFLAGS"]?.split(separator: " ").map(String.init) ?? []
        try run("cc", [
            "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
            "-I", headerFolder, "-o", output, source, "-lpthread",
        ] + extra + defines.map { "-D" + $0 })
    }

    /// Builds `Tests/Fixtures/broken_backend.c` with the fault `define` (nil: the valid
    /// backend) into a fresh folder; returns the .so path.
    public static func brokenBackend(_ define: String?) throws -> String {
        let path = try temporaryFolder("broken") + "/lib\(define ?? "valid").so"
        try sharedLibrary(repositoryRoot + "/Tests/Fixtures/broken_backend.c", output: path, defines: define.map { [$0] } ?? [])
        return path
    }

    /// Builds `Tests/Fixtures/faulty_feed.c` (the C example with the feed fault `define`,
    /// nil: none) into a fresh folder; returns the .so path.
    public static func faultyFeed(_ define: String?) throws -> String {
        let path = try temporaryFolder("faulty-feed") + "/lib\(define ?? "valid").so"
        try sharedLibrary(repositoryRoot + "/Tests/Fixtures/faulty_feed.c", output: path, defines: define.map { [$0] } ?? [])
        return path
    }

    /// Builds `Tests/Fixtures/faulty_history.c` (the C example with the history fault
    /// `define`, nil: none) into a fresh folder; returns the .so path.
    public static func faultyHistory(_ define: String?) throws -> String {
        let path = try temporaryFolder("faulty-history") + "/lib\(define ?? "valid").so"
        try sharedLibrary(repositoryRoot + "/Tests/Fixtures/faulty_history.c", output: path, defines: define.map { [$0] } ?? [])
        return path
    }

    /// A new empty folder under the system temp folder.
    public static func temporaryFolder(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "warden-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The Rust example backend, built once per test process with cargo (nil when this
    /// machine has no Rust toolchain).
    public static let rustExample: Result<String, Error>? = {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/cargo" } + ["\(home)/.cargo/bin/cargo"]
        guard let cargo = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        return Result {
            let target = try temporaryFolder("rust-example")
            try run(cargo, ["build", "--release", "--offline", "--quiet", "--manifest-path",
                            repositoryRoot + "/Examples/rust-backend/Cargo.toml", "--target-dir", target])
            return target + "/release/libwarden_rust_example.so"
        }
    }()

    /// The C++ example backend, built once per test process with the flags of its Makefile.
    public static let cppExample: Result<String, Error> = Result {
        let example = repositoryRoot + "/Examples/cpp-backend"
        let output = try temporaryFolder("cpp-example") + "/libwarden-cpp-example.so"
        try run("c++", [
            "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
            "-fvisibility-inlines-hidden", "-I", headerFolder, "-Wl,--version-script=\(example)/exports.map",
            "-o", output, example + "/memory_backend.cpp",
        ])
        return output
    }

    /// The C example backend, built once per test process.
    public static let cExample: Result<String, Error> = Result {
        let folder = try temporaryFolder("c-example")
        let output = folder + "/libwarden-c-example.so"
        try sharedLibrary(repositoryRoot + "/Examples/c-backend/memory_backend.c", output: output)
        return output
    }
}
