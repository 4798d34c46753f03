import WardenModel

/// A configuration file is wrong: bad YAML, a missing or invalid key.
/// The CLI exits with 64 on it and writes nothing.
public struct ConfigError: WardenError {
    public var category: ErrorCategory { .badConfig }
    /// The file, as the user named it or as found in the backend folder.
    public var file: String
    /// 1-based line of the problem, when known.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `config/dev.yaml:3: invalid YAML: …`
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
