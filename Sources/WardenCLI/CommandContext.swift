import Glibc
import Logging
import WardenModel

/// Where a command writes and what it reads from its surroundings. `warden`
/// uses ``standard``; tests install their own to capture output and fix the clock.
public struct CommandContext: Sendable {
    /// Writes to standard output (text includes its newlines).
    public var write: @Sendable (String) -> Void
    /// Writes to standard error (text includes its newlines).
    public var writeError: @Sendable (String) -> Void
    /// Now, in ns since the epoch.
    public var clock: @Sendable () -> Int64
    /// Reads an environment variable.
    public var environment: @Sendable (String) -> String?
    /// Whether standard error is a terminal, where progress bars may be drawn.
    public var errorIsTerminal: Bool
    /// Whether a command run as root becomes the owner of the data folder (``DataFolderOwner``);
    /// only the `warden` process itself, never a test running commands in-process.
    public var becomesDataOwner: Bool

    public init(
        write: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void,
        clock: @escaping @Sendable () -> Int64, environment: @escaping @Sendable (String) -> String?,
        errorIsTerminal: Bool = false, becomesDataOwner: Bool = false
    ) {
        self.write = write
        self.writeError = writeError
        self.clock = clock
        self.environment = environment
        self.errorIsTerminal = errorIsTerminal
        self.becomesDataOwner = becomesDataOwner
    }

    /// The process's own streams, clock and environment.
    public static let standard = CommandContext(
        write: { text in writeAll(STDOUT_FILENO, text) },
        writeError: { text in writeAll(STDERR_FILENO, text) },
        clock: { Timestamp.now() },
        environment: { name in getenv(name).map { String(cString: $0) } },
        errorIsTerminal: isatty(STDERR_FILENO) == 1, becomesDataOwner: true)

    /// The context commands run in; set once by `main` or by a test before it runs commands.
    public nonisolated(unsafe) static var current = CommandContext.standard

    /// A logger writing `level: message` lines to ``writeError``.
    func logger(debug: Bool) -> Logger {
        var logger = Logger(label: "warden") { _ in CLILogHandler(write: writeError) }
        logger.logLevel = debug ? .debug : .warning
        return logger
    }
}

/// Writes all of `text` to a file descriptor (unbuffered: each call is a whole message).
private func writeAll(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}
