import Logging

/// Writes log records for a person at a terminal: `warning: message`, and for
/// backend records `warning: [sqlite] message`. No timestamps: the CLI is short-lived.
struct CLILogHandler: LogHandler {
    let write: @Sendable (String) -> Void
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let tag = merged["backend"].map { "[\($0)] " } ?? ""
        write("\(event.level): \(tag)\(event.message)\n")
    }
}
