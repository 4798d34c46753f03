/// An error from compiling or running an expression, written the way expr
/// writes it: the message, then the 1-based line and column, then the source
/// line with a caret under the column (`unexpected token EOF (1:3)`).
public struct ExprError: Error, Equatable, Sendable, CustomStringConvertible {
    /// When the error was found: expr's users (CrowdSec profiles) treat the two differently.
    public enum Phase: String, Sendable {
        case compile
        case run
    }

    public var phase: Phase
    /// The message alone, as expr words it (`unknown name Foo`).
    public var message: String
    /// Where it was found; nil when expr reports no position.
    public var location: SourceLocation?
    /// The offending source line with a caret under the column, as expr appends it.
    public var snippet: String

    /// The message and its position, without the snippet: `unknown name Foo (1:1)`.
    public var summary: String {
        guard let location else { return message }
        return "\(message) (\(location.line):\(location.column + 1))"
    }

    /// Every line expr prints for this error.
    public var description: String { summary + snippet }

    init(_ phase: Phase, _ message: String, at location: SourceLocation?, in source: String? = nil) {
        self.phase = phase
        self.message = message
        // expr leaves some nodes (the ternary) without a position: line 0 means none.
        self.location = location?.line == 0 ? nil : location
        self.snippet = ""
        if let location = self.location, let source { self.snippet = Self.snippet(of: source, at: location) }
    }

    /// The source line and a caret line, as expr's `file.Error.Bind` draws them: dots up
    /// to the column, no caret line at all when a multi-byte character precedes it.
    static func snippet(of source: String, at location: SourceLocation) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count, !source.isEmpty else { return "" }
        let line = lines[location.line - 1].replacingTabs()
        var text = "\n | " + line
        var indicator = "\n | "
        var scalars = line.unicodeScalars.makeIterator()
        for _ in 0..<location.column {
            guard let scalar = scalars.next() else { break }
            if scalar.utf8.count > 1 { return text }
            indicator += "."
        }
        if let scalar = scalars.next(), scalar.utf8.count > 1 { return text }
        indicator += "^"
        text += indicator
        return text
    }
}

/// A position in an expression: 1-based line, 0-based column counted in characters
/// (Unicode scalars), as expr counts them.
public struct SourceLocation: Equatable, Sendable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

extension Substring {
    fileprivate func replacingTabs() -> String {
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }
}
