import Glibc
import WardenConfig

/// A file copied from CrowdSec's configuration into Warden's: what happens to it.
struct FileCopy: Equatable {
    enum Outcome: Equatable {
        /// The destination does not exist: it gets the source's text.
        case taken
        /// The destination holds the same text.
        case alreadyThere
        /// The destination holds another text: left as it is.
        case conflict
    }

    var source: String
    var destination: String
    var text: String
    var outcome: Outcome
    /// The source's permission bits, kept by the copy.
    var mode: mode_t

    /// What copying `source` to `destination` would do.
    /// - Throws: ``CommandFailure`` when the source cannot be read.
    static func plan(_ source: String, to destination: String) throws -> FileCopy {
        let text: String
        switch FileSystem.read(source) {
        case .success(let read): text = read
        case .failure(let error):
            throw CommandFailure(description: "cannot read \(source): \(error); check this user may read CrowdSec's files")
        }
        var info = stat()
        let mode = stat(source, &info) == 0 ? info.st_mode & 0o777 : 0o600
        let outcome: Outcome
        switch FileSystem.read(destination) {
        case .success(let existing): outcome = existing == text ? .alreadyThere : .conflict
        case .failure: outcome = FileSystem.exists(destination) ? .conflict : .taken
        }
        return FileCopy(source: source, destination: destination, text: text, outcome: outcome, mode: mode)
    }

    /// Writes the copy when it is to be taken.
    /// - Throws: ``CommandFailure`` when the destination cannot be written.
    func write() throws {
        guard outcome == .taken else { return }
        if case .failure(let error) = FileSystem.writeAtomically(text, to: destination, mode: mode) {
            throw CommandFailure(
                description: "cannot write \(destination): \(error); check the folder exists and is writable, "
                    + "then run the migration again")
        }
    }
}

/// The one-line edit of Warden's config that sets `api.server.listen_uri`, leaving every
/// other byte of the file as it is.
struct ListenEdit: Equatable {
    enum Outcome: Equatable {
        /// The file says this address already.
        case alreadyThere
        /// The file's text with the address set; `previous` is what it said, nil when the key was absent.
        case edit(text: String, previous: String?)
        /// The file cannot be edited by one line (flow style, no `api.server` block to add to).
        case byHand(why: String)
    }

    var outcome: Outcome

    /// What setting `listen` in the config `text` (read from `file`) takes.
    /// - Throws: the config's YAML error.
    init(setting listen: String, in text: String, file: String) throws {
        let root = try YAML.parse(text, file: file)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let written = Self.scalar(listen)
        if let node = root["api"]?["server"]?["listen_uri"] {
            if node.scalar == listen {
                outcome = .alreadyThere
                return
            }
            let index = node.line - 1
            guard index < lines.count, let colon = lines[index].firstRange(of: "listen_uri:") else {
                outcome = .byHand(why: "its listen_uri is not on a line of its own (line \(node.line))")
                return
            }
            let line = lines[index]
            let afterKey = line[colon.upperBound...]
            let spaces = afterKey.prefix { $0 == " " }
            let value = afterKey.dropFirst(spaces.count)
            // Keep a trailing comment: the value is everything before " #".
            var comment = ""
            if let hash = value.firstRange(of: " #") {
                var start = hash.lowerBound
                while start > value.startIndex, value[value.index(before: start)] == " " { start = value.index(before: start) }
                comment = String(value[start...])
            }
            lines[index] = String(line[..<colon.upperBound]) + (spaces.isEmpty ? " " : String(spaces)) + written + comment
            outcome = .edit(text: lines.joined(separator: "\n"), previous: node.scalar)
            return
        }
        if root["api"] == nil {
            var text = text
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            outcome = .edit(text: text + "api:\n  server:\n    listen_uri: \(written)\n", previous: nil)
            return
        }
        if let server = root["api"]?["server"], case .mapping(let pairs) = server.value, let first = pairs.first,
           first.keyLine - 1 < lines.count
        {
            let line = lines[first.keyLine - 1]
            let indent = line.prefix { $0 == " " }
            if line.dropFirst(indent.count).hasPrefix(first.key) {
                lines.insert("\(indent)listen_uri: \(written)", at: first.keyLine - 1)
                outcome = .edit(text: lines.joined(separator: "\n"), previous: nil)
                return
            }
        }
        outcome = .byHand(why: "it has an api section without a block-style api.server to add listen_uri to")
    }

    /// `text` as a YAML scalar: plain unless YAML would read it as something else.
    static func scalar(_ text: String) -> String {
        let plain = !text.isEmpty && !text.hasPrefix("[") && !text.hasPrefix("{") && !text.hasPrefix("*")
            && !text.hasPrefix("&") && !text.hasPrefix("!") && !text.hasPrefix("'") && !text.hasPrefix("\"")
            && !text.contains(" #") && !text.contains(": ") && !text.hasPrefix("%") && !text.hasPrefix("@")
        return plain ? text : "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
