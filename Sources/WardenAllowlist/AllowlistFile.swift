import WardenConfig
import WardenModel

/// The allowlist file (`allowlist.file` in the main config, default `allowlist` beside
/// it): one entry a line, an address or a CIDR block, then blanks, then a comment
/// saying why. Blank lines and lines starting with `#` are kept as they are.
///
/// ```
/// 127.0.0.0/8   loopback (IPv4)
/// ::1           loopback (IPv6)
/// ```
///
/// While the file does not exist, ``Allowlist/defaultEntries`` (loopback) apply; a file
/// without entries allowlists nothing. `warden allowlist add|del` edit it under a lock
/// and replace it atomically; a running daemon notices the new version.
public struct AllowlistFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The allowlist the file holds (the default entries when it does not exist).
    /// - Throws: ``AllowlistError`` when the file cannot be read or a line is not an entry.
    public func load() throws(AllowlistError) -> Allowlist {
        guard let lines = try readLines() else { return Allowlist(Allowlist.defaultEntries) }
        var entries: [AllowlistEntry] = []
        for (index, line) in lines.enumerated() {
            if let entry = try Self.entry(in: line, number: index + 1, file: path) { entries.append(entry) }
        }
        return Allowlist(entries)
    }

    /// Adds `target` with `comment` at the end of the file (which is created with the
    /// default entries first when it does not exist).
    /// - Throws: ``AllowlistError``: an exact duplicate, or a file that cannot be read or written.
    public func add(_ target: BanTarget, comment: String) throws(AllowlistError) {
        try update { lines throws(AllowlistError) in
            for (index, line) in lines.enumerated() {
                if let entry = try Self.entry(in: line, number: index + 1, file: path), entry.target == target {
                    throw AllowlistError(.badInput, "\(target) is already in the allowlist as \(entry)")
                }
            }
            lines.append("\(target)\t\(comment)")
        }
    }

    /// Removes every line whose entry is `target`; the other lines stay as they are.
    /// - Throws: ``AllowlistError`` when no entry is `target` (naming the entry that
    ///   covers it, if one does), or when the file cannot be read or written.
    public func delete(_ target: BanTarget) throws(AllowlistError) {
        try update { lines throws(AllowlistError) in
            var kept: [String] = []
            var entries: [AllowlistEntry] = []
            for (index, line) in lines.enumerated() {
                let entry = try Self.entry(in: line, number: index + 1, file: path)
                if let entry { entries.append(entry) }
                if entry?.target != target { kept.append(line) }
            }
            guard kept.count < lines.count else {
                var message = "\(target) is not an entry of the allowlist"
                if let covering = Allowlist(entries).match(target) {
                    message += "; it is covered by \(covering), which 'warden allowlist del \(covering.target)' removes"
                } else {
                    message += "; 'warden allowlist list' shows the entries"
                }
                throw AllowlistError(.badInput, message)
            }
            lines = kept
        }
    }

    /// The header of a file the CLI creates.
    private static let header = """
        # Warden allowlist: addresses and CIDR blocks that Warden never bans.
        # One entry a line: an address or a block, then a comment saying why.
        # Edit with 'warden allowlist add|del'; a running daemon rereads this file when it changes.
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

    /// The entry on one line, nil for a blank or `#` line.
    private static func entry(in line: String, number: Int, file: String) throws(AllowlistError) -> AllowlistEntry? {
        let text = line.trimmingBlanks
        if text.isEmpty || text.hasPrefix("#") { return nil }
        let word = String(text.prefix { $0 != " " && $0 != "\t" })
        do throws(InputError) {
            let target = try AllowlistEntry.parseTarget(word)
            return AllowlistEntry(target: target, comment: String(text.dropFirst(word.count)).trimmingBlanks)
        } catch {
            throw AllowlistError(
                .badConfig, "\(file):\(number): \(error.message); each line is an address or a CIDR block, then a comment")
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
