import WardenModel

/// Reads the CSV that `cscli decisions import` reads: RFC 4180 records (quoted fields
/// may hold commas, newlines and doubled quotes; CRLF or LF line ends), the first naming
/// the columns, any of ``DecisionRow/fieldNames`` (other columns are ignored, as cscli
/// ignores them). Blank lines are skipped. Written by hand: no Foundation in the CLI.
enum CSVDecisions {
    /// - Throws: ``InputError`` for what spoils the whole file (no header, no `value`
    ///   column, an unclosed quote); a malformed record is a ``RowProblem`` instead.
    static func read(_ bytes: [UInt8], file: String) throws(InputError) -> DecisionFile {
        var reader = CSVRecordReader(bytes: bytes)
        var result = DecisionFile()
        guard let header = try reader.next(file: file) else {
            throw InputError("\(file): the file is empty; the first line must name the columns, any of \(namesText)")
        }
        guard case .success(let names) = header.fields else {
            throw InputError("\(file):\(header.line): the header line is malformed; it names the columns, any of \(namesText)")
        }
        let columns = names.map { $0.trimmingSpaces.lowercased() }
        guard columns.contains("value") else {
            throw InputError("\(file):\(header.line): the header names no 'value' column; it names the columns, any of \(namesText)")
        }
        while let record = try reader.next(file: file) {
            switch record.fields {
            case .failure(let problem):
                result.problems.append(RowProblem(line: record.line, message: problem.description))
            case .success(let fields) where fields.count != columns.count:
                result.problems.append(RowProblem(
                    line: record.line, message: "\(fields.count) fields, but the header names \(columns.count) columns"))
            case .success(let fields):
                var row = DecisionRow(line: record.line)
                for (name, text) in zip(columns, fields) { row.set(name, text.trimmingSpaces) }
                result.rows.append(row)
            }
        }
        return result
    }

    static let namesText = DecisionRow.fieldNames.joined(separator: ",")
}

/// Splits CSV bytes into records, each with the line it starts on.
private struct CSVRecordReader {
    let bytes: [UInt8]
    var index = 0
    var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte order mark is not part of the first column's name.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    struct Record {
        var line: Int
        var fields: Result<[String], Problem>
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    private static let quote: UInt8 = 34, comma: UInt8 = 44, newline: UInt8 = 10, carriageReturn: UInt8 = 13

    /// The next record, nil at the end; blank lines are skipped.
    mutating func next(file: String) throws(InputError) -> Record? {
        while index < bytes.count, bytes[index] == Self.newline || isCRLF(at: index) {
            index += bytes[index] == Self.newline ? 1 : 2
            line += 1
        }
        guard index < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        while true {
            var field: [UInt8] = []
            // After a comma that ends the text, the last field is empty.
            if index < bytes.count, bytes[index] == Self.quote {
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw InputError("\(file):\(start): a quoted field is not closed; end it with '\"'")
                    }
                    let byte = bytes[index]
                    index += 1
                    if byte == Self.quote {
                        if index < bytes.count, bytes[index] == Self.quote {
                            field.append(Self.quote)
                            index += 1
                        } else {
                            break
                        }
                    } else {
                        if byte == Self.newline { line += 1 }
                        field.append(byte)
                    }
                }
                guard index == bytes.count || bytes[index] == Self.comma || bytes[index] == Self.newline
                    || isCRLF(at: index)
                else {
                    return skipRest(from: start, "a quoted field goes on after its closing '\"'; double the quotes inside it")
                }
            } else {
                while index < bytes.count, bytes[index] != Self.comma, bytes[index] != Self.newline, !isCRLF(at: index) {
                    if bytes[index] == Self.quote {
                        return skipRest(from: start, "a '\"' inside an unquoted field; quote the whole field and double the quotes inside it")
                    }
                    field.append(bytes[index])
                    index += 1
                }
            }
            fields.append(String(decoding: field, as: UTF8.self))
            if index < bytes.count, bytes[index] == Self.comma {
                index += 1
                continue
            }
            endLine()
            return Record(line: start, fields: .success(fields))
        }
    }

    private func isCRLF(at position: Int) -> Bool {
        bytes[position] == Self.carriageReturn && position + 1 < bytes.count && bytes[position + 1] == Self.newline
    }

    /// Steps over the line end at `index`, if any.
    private mutating func endLine() {
        guard index < bytes.count else { return }
        index += bytes[index] == Self.newline ? 1 : 2
        line += 1
    }

    /// Skips to the next line and reports the record as malformed.
    private mutating func skipRest(from start: Int, _ problem: String) -> Record {
        while index < bytes.count, bytes[index] != Self.newline { index += 1 }
        if index < bytes.count {
            index += 1
            line += 1
        }
        return Record(line: start, fields: .failure(Problem(description: problem)))
    }
}
