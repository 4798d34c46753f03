/// A record kept as one line of a ``SharedRecords`` text.
public protocol SharedRecord: Sendable {
    /// The record `line` holds (tab-separated fields, no newline), or nil when it holds none.
    init?(line: Substring)
    /// Its line, without the newline.
    var line: String { get }
}

/// Records kept one a line, with `#` comments, in a ``SharedText`` (the registered
/// bouncers, the machines): read whole, and changed with no other writer in between.
public struct SharedRecords<Record: SharedRecord>: Sendable {
    /// Where the lines are kept.
    public let text: any SharedText
    /// The comment line written first, with its newline.
    let header: String

    public init(text: any SharedText, header: String) {
        self.text = text
        self.header = header
    }

    /// Why the records cannot be had.
    public enum Failure: Error, Sendable {
        /// The text could not be read, locked or written.
        case storage(SharedTextError)
        /// Line `line` (from 1) holds no record.
        case malformed(line: Int)
    }

    /// Every record, in text order, with the version read (nil: never written, no record).
    public func loadVersioned() throws(Failure) -> (records: [Record], version: SharedTextVersion?) {
        let stored: (text: String, version: SharedTextVersion)?
        do {
            stored = try text.read()
        } catch {
            throw .storage(error)
        }
        return (try Self.parse(stored?.text ?? ""), stored?.version)
    }

    /// The version of the text, to notice a change cheaply; nil when never written.
    public func version() throws(Failure) -> SharedTextVersion? {
        do {
            return try text.version()
        } catch {
            throw .storage(error)
        }
    }

    /// Applies `change` to the current records and writes them back, header first, with no
    /// other writer in between.
    /// - Throws: what `change` throws, or ``Failure``.
    public func update(_ change: (inout [Record]) throws -> Void) throws {
        do {
            try text.update { current in
                var records = try Self.parse(current ?? "")
                try change(&records)
                return header + records.map { $0.line + "\n" }.joined()
            }
        } catch let error as SharedTextError {
            throw Failure.storage(error)
        }
    }

    private static func parse(_ text: String) throws(Failure) -> [Record] {
        var records: [Record] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let record = Record(line: line) else { throw .malformed(line: index + 1) }
            records.append(record)
        }
        return records
    }
}
