import Logging
import Synchronization

/// Keeps every log record in memory, for tests that check what a backend logs.
public final class LogRecorder: Sendable {
    public struct Record: Sendable, Equatable {
        public var level: Logger.Level
        public var message: String
        public var backend: String?
    }

    private let storage = Mutex<[Record]>([])

    public init() {}

    public var records: [Record] { storage.withLock { $0 } }

    /// A logger at `level` that records here.
    public func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "warden.test") { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ record: Record) {
        storage.withLock { $0.append(record) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(Record(level: event.level, message: "\(event.message)", backend: metadata["backend"].map { "\($0)" }))
        }
    }
}
