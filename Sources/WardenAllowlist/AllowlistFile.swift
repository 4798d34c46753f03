import WardenConfig
import WardenModel

/// The allowlist file (`allowlist.file` in the main config, default `allowlist` beside
/// it): one entry a line, an address or a CIDR block, an optional `expires=TIME`
/// (RFC 3339), then a comment saying why. A `[name] description` line starts a named
/// list (CrowdSec 1.6.9's allowlists); the entries before the first one are in the list
/// ``Allowlist/defaultListName``. Blank lines and lines starting with `#` are kept as
/// they are.
///
/// ```
/// 127.0.0.0/8   loopback (IPv4)
/// ::1           loopback (IPv6)
///
/// [office] the office and its VPN
/// 2001:db8:aa::/48   VPN
/// 203.0.113.5   expires=2026-12-31T00:00:00Z   contractor's laptop
/// ```
///
/// While the file does not exist, ``Allowlist/defaultEntries`` (loopback) apply; a file
/// without entries allowlists nothing. An expired entry stays in the file (and in
/// `warden allowlist list --all`) but no longer applies. `warden allowlist` edits it
/// under a lock and replaces it atomically; a running daemon notices the new version.
public struct AllowlistFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The allowlist the file holds (the default entries when it does not exist).
    /// - Throws: ``AllowlistError`` when the file cannot be read or a line is not an entry.
    public func load() throws(AllowlistError) -> Allowlist {
        guard let lines = try readLines() else { return Allowlist(Allowlist.defaultEntries) }
        return try Self.parse(lines, file: path).allowlist
    }

    /// Adds `target` with `comment` to the list `list` (at the end of its section), expiring
    /// at `expiresNs` if given. The file is created with the default entries first when it
    /// does not exist.
    /// - Throws: ``AllowlistError``: an unknown list, an exact duplicate in that list, or a
    ///   file that cannot be read or written.
    public func add(
        _ target: BanTarget, comment: String, list: String = Allowlist.defaultListName, expiresNs: Int64? = nil
    ) throws(AllowlistError) {
        try update { lines throws(AllowlistError) in
            let parsed = try Self.parse(lines, file: path)
            guard parsed.allowlist.lists.contains(where: { $0.name == list }) else {
                throw AllowlistError(.badInput, Self.unknownList(list, among: parsed.allowlist.lists))
            }
            if let held = parsed.allowlist.entries.first(where: { $0.target == target && $0.list == list }) {
                let named = list == Allowlist.defaultListName ? "" : " '\(list)'"
                throw AllowlistError(.badInput, "\(target) is already in the allowlist\(named) as \(held)")
            }
            let entry = AllowlistEntry(target: target, comment: comment, list: list, expiresNs: expiresNs)
            lines.insert(Self.line(of: entry), at: parsed.sectionEnds[list] ?? lines.count)
        }
    }

    /// Removes every line whose entry is `target` (in `list` only, when given); the other
    /// lines stay as they are.
    /// - Throws: ``AllowlistError`` when no entry is `target` (naming the entry that
    ///   covers it, if one does), or when the file cannot be read or written.
    public func delete(_ target: BanTarget, list: String? = nil) throws(AllowlistError) {
        try update { lines throws(AllowlistError) in
            let parsed = try Self.parse(lines, file: path)
            let doomed = Set(parsed.lineOfEntry.indices.filter { index in
                let entry = parsed.allowlist.entries[index]
                return entry.target == target && (list == nil || entry.list == list)
            }.map { parsed.lineOfEntry[$0] })
            guard !doomed.isEmpty else {
                var message = "\(target) is not an entry of the allowlist" + (list.map { " '\($0)'" } ?? "")
                if let covering = parsed.allowlist.match(target) {
                    message += "; it is covered by \(covering), which 'warden allowlist del \(covering.target)' removes"
                } else {
                    message += "; 'warden allowlist list' shows the entries"
                }
                throw AllowlistError(.badInput, message)
            }
            lines = lines.indices.filter { !doomed.contains($0) }.map { lines[$0] }
        }
    }

    /// Starts the named list `name` (a `[name] description` line at the end of the file).
    /// - Throws: ``AllowlistError`` for a name that is not a word or already exists.
    public func createList(_ name: String, description: String) throws(AllowlistError) {
        guard Self.isListName(name) else {
            throw AllowlistError(.badInput, "'\(name)' cannot name an allowlist; use letters, digits, '.', '_' and '-'")
        }
        try update { lines throws(AllowlistError) in
            let parsed = try Self.parse(lines, file: path)
            guard !parsed.allowlist.lists.contains(where: { $0.name == name }) else {
                throw AllowlistError(.badInput, "the allowlist '\(name)' exists already")
            }
            if lines.last.map({ !$0.trimmingBlanks.isEmpty }) ?? false { lines.append("") }
            lines.append(description.isEmpty ? "[\(name)]" : "[\(name)] \(description)")
        }
    }

    /// Removes the named list `name` and every entry in it.
    /// - Throws: ``AllowlistError`` for an unknown list or the default one.
    public func deleteList(_ name: String) throws(AllowlistError) {
        guard name != Allowlist.defaultListName else {
            throw AllowlistError(
                .badInput, "the default allowlist cannot be deleted; remove its entries with 'warden allowlist del'")
        }
        try update { lines throws(AllowlistError) in
            let parsed = try Self.parse(lines, file: path)
            guard let start = parsed.sectionStarts[name] else {
                throw AllowlistError(.badInput, Self.unknownList(name, among: parsed.allowlist.lists))
            }
            lines.removeSubrange(start..<(parsed.sectionEnds[name] ?? lines.count))
        }
    }

    // MARK: - Reading

    /// What the lines say, and where each list and entry stands among them.
    private struct Parsed {
        var allowlist: Allowlist
        /// The line of each entry of `allowlist.entries`, by position.
        var lineOfEntry: [Int]
        /// The line of each named list's header.
        var sectionStarts: [String: Int]
        /// Where each list's lines end: after its last entry (the default list's, before the first header).
        var sectionEnds: [String: Int]
    }

    private static func parse(_ lines: [String], file: String) throws(AllowlistError) -> Parsed {
        var entries: [AllowlistEntry] = []
        var lists: [Allowlist.List] = []
        var lineOfEntry: [Int] = []
        var starts: [String: Int] = [:]
        var ends: [String: Int] = [:]
        var firstHeader: Int?
        var current = Allowlist.defaultListName
        for (index, line) in lines.enumerated() {
            let text = line.trimmingBlanks
            if text.isEmpty || text.hasPrefix("#") { continue }
            if text.hasPrefix("[") {
                let list = try header(text, number: index + 1, file: file)
                guard starts[list.name] == nil, list.name != Allowlist.defaultListName else {
                    throw AllowlistError(.badConfig, "\(file):\(index + 1): the allowlist '\(list.name)' is named twice")
                }
                lists.append(list)
                firstHeader = firstHeader ?? index
                current = list.name
                starts[list.name] = index
                ends[list.name] = index + 1
                continue
            }
            entries.append(try entry(text, list: current, number: index + 1, file: file))
            lineOfEntry.append(index)
            ends[current] = index + 1
        }
        // A default list without entries grows just before the first named list.
        if ends[Allowlist.defaultListName] == nil { ends[Allowlist.defaultListName] = firstHeader ?? lines.count }
        return Parsed(
            allowlist: Allowlist(entries, lists: lists), lineOfEntry: lineOfEntry, sectionStarts: starts, sectionEnds: ends)
    }

    /// A `[name] description` line.
    private static func header(_ text: String, number: Int, file: String) throws(AllowlistError) -> Allowlist.List {
        guard let close = text.firstIndex(of: "]") else {
            throw AllowlistError(.badConfig, "\(file):\(number): '\(text)' opens a list name with '[' but never closes it")
        }
        let name = String(text[text.index(after: text.startIndex)..<close])
        guard isListName(name) else {
            throw AllowlistError(
                .badConfig, "\(file):\(number): '\(name)' cannot name an allowlist; use letters, digits, '.', '_' and '-'")
        }
        return Allowlist.List(name: name, description: String(text[text.index(after: close)...]).trimmingBlanks)
    }

    /// An entry line: the target, an optional `expires=TIME`, the comment.
    private static func entry(_ text: String, list: String, number: Int, file: String) throws(AllowlistError) -> AllowlistEntry {
        func word(_ text: Substring) -> Substring { text.prefix { $0 != " " && $0 != "\t" } }
        let first = word(text[...])
        var rest = text.dropFirst(first.count).drop { $0 == " " || $0 == "\t" }
        var expiresNs: Int64?
        if rest.hasPrefix("expires=") {
            let token = word(rest)
            guard let time = Timestamp.parse(String(token.dropFirst("expires=".count))) else {
                throw AllowlistError(
                    .badConfig, "\(file):\(number): '\(token)' is not a time; write it like expires=2026-12-31T00:00:00Z")
            }
            expiresNs = time
            rest = rest.dropFirst(token.count)
        }
        do throws(InputError) {
            let target = try AllowlistEntry.parseTarget(String(first))
            return AllowlistEntry(target: target, comment: String(rest).trimmingBlanks, list: list, expiresNs: expiresNs)
        } catch {
            throw AllowlistError(
                .badConfig, "\(file):\(number): \(error.message); each line is an address or a CIDR block, then a comment")
        }
    }

    private static func isListName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    private static func unknownList(_ name: String, among lists: [Allowlist.List]) -> String {
        "there is no allowlist '\(name)'; create it with 'warden allowlist create \(name) DESCRIPTION', or use one of: "
            + lists.map(\.name).joined(separator: ", ")
    }

    /// The line that writes `entry` (its list is where the line goes).
    private static func line(of entry: AllowlistEntry) -> String {
        let expiry = entry.expiresNs.map { "\texpires=\(Timestamp.rfc3339($0))" } ?? ""
        return "\(entry.target)\(expiry)\t\(entry.comment)"
    }

    // MARK: - The file

    /// The header of a file the CLI creates.
    private static let header = """
        # Warden allowlist: addresses and CIDR blocks that Warden never bans.
        # One entry a line: an address or a block, optionally expires=TIME (RFC 3339), then a comment saying why.
        # A '[name] description' line starts a named list. Edit with 'warden allowlist'; a running daemon
        # rereads this file when it changes.
        """

    /// The file's lines (without their newlines), or nil when it does not exist.
    private func readLines() throws(AllowlistError) -> [String]? {
        guard FileSystem.version(of: path) != nil else { return nil }
        switch FileSystem.read(path) {
        case .success(let text):
            // Split on bytes: "\r\n" is one Character, which a split on "\n" would not cut.
            var lines = text.utf8.split(separator: 10, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            if lines.last == "" { lines.removeLast() }
            return lines
        case .failure(let error):
            throw AllowlistError(.runtime, "cannot read the allowlist \(path): \(error); check its permissions")
        }
    }

    /// Reads, changes and writes back the file under the lock file `<path>.lock`.
    private func update(_ change: (inout [String]) throws(AllowlistError) -> Void) throws(AllowlistError) {
        do {
            try FileSystem.withExclusiveLock(path + ".lock") {
                var lines = try readLines()
                    ?? [Self.header] + Allowlist.defaultEntries.map { "\($0.target)\t\($0.comment)" }
                try change(&lines)
                let text = lines.map { $0 + "\n" }.joined()
                if case .failure(let error) = FileSystem.writeAtomically(text, to: path, mode: 0o644) {
                    throw AllowlistError(
                        .runtime, "cannot write the allowlist \(path): \(error); check the folder exists and is writable")
                }
            }
        } catch let error as AllowlistError {
            throw error
        } catch {
            throw AllowlistError(.runtime, "cannot lock \(path).lock: \(error); check the folder exists and is writable")
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and carriage returns.
    var trimmingBlanks: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
