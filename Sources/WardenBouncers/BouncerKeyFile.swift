import Glibc
import WardenBasics
import WardenConfig
import WardenModel

/// The registered bouncers: one line per bouncer, `name<TAB>sha512-hex<TAB>created
/// (RFC 3339)`, then `<TAB>tls` for a bouncer that a client certificate registered, `#`
/// comments. Kept in the file `api.server.bouncers_file`, or in the document `bouncers`
/// of the identity backend (``SharedText``). `warden bouncers` edits it with no other
/// writer in between; the daemon notices a new version and reloads it, so changes need
/// no restart.
public struct BouncerKeyFile: Sendable {
    private let records: SharedRecords<BouncerRecord>

    /// Where the lines are kept.
    public var text: any SharedText { records.text }

    public init(text: any SharedText) {
        records = SharedRecords(text: text, header: Self.header)
    }

    /// The bouncers kept in the file at `path`.
    public init(path: String) {
        self.init(text: SharedFile(path: path))
    }

    private static let header = "# Warden bouncer keys: name, SHA-512 of the key, registered at. Edit with 'warden bouncers'.\n"

    /// Every registered bouncer, in file order. A missing file is an empty list.
    /// - Throws: ``BouncerError`` when the file cannot be read or a line is malformed.
    public func load() throws(BouncerError) -> [BouncerRecord] {
        try loadVersioned().records
    }

    /// Every registered bouncer, with the version they were read at (nil: never written).
    /// - Throws: ``BouncerError`` when they cannot be read or a line is malformed.
    public func loadVersioned() throws(BouncerError) -> (records: [BouncerRecord], version: SharedTextVersion?) {
        do {
            return try records.loadVersioned()
        } catch {
            throw failure(error)
        }
    }

    /// The version of the lines, to notice a change cheaply; nil when never written.
    /// - Throws: ``BouncerError`` when it cannot be read.
    public func version() throws(BouncerError) -> SharedTextVersion? {
        do {
            return try records.version()
        } catch {
            throw failure(error)
        }
    }

    /// Registers `name` with `key` (a new random key when nil) and returns the key, which
    /// is shown once and never stored in clear.
    /// - Throws: ``BouncerError``: a bad or taken name, an unacceptable key, a key already
    ///   used by another bouncer, or a file that cannot be written.
    public func add(name: String, key given: String?, now: Int64) throws(BouncerError) -> String {
        guard BouncerRecord.isValidName(name) else {
            throw BouncerError(
                .badInput, "'\(name)' is not a valid bouncer name: use 1 to 64 letters, digits, '-', '_', '.' or '@'")
        }
        if let given, !BouncerKey.isAcceptable(given) {
            throw BouncerError(
                .badInput, "the key must be 16 to 256 printable characters without spaces; omit -k to get a random one")
        }
        let key = given ?? BouncerKey.generate()
        let digest = BouncerKey.digest(key)
        try update { records throws(BouncerError) in
            if records.contains(where: { $0.name == name }) {
                throw BouncerError(
                    .badInput, "a bouncer named '\(name)' exists already; delete it first or choose another name")
            }
            if let other = records.first(where: { $0.keyDigest == digest }) {
                throw BouncerError(.badInput, "this key is already registered for bouncer '\(other.name)'; give each bouncer its own key")
            }
            records.append(BouncerRecord(name: name, keyDigest: digest, createdNs: now))
        }
        return key
    }

    /// Registers `name` as a bouncer a TLS client certificate authenticates, with a random
    /// key nobody is given, unless a bouncer of that name exists; returns the record now in
    /// the file (the existing one, whatever its auth type).
    /// - Throws: ``BouncerError``: a bad name, or a file that cannot be written.
    public func addCertificateBouncer(name: String, now: Int64) throws(BouncerError) -> BouncerRecord {
        guard BouncerRecord.isValidName(name) else {
            throw BouncerError(
                .badInput, "'\(name)' is not a valid bouncer name: the certificate's CN must be letters, digits, '-', '_' or '.'")
        }
        var result = BouncerRecord(name: name, keyDigest: BouncerKey.digest(BouncerKey.generate()), createdNs: now, authType: .tls)
        try update { records throws(BouncerError) in
            if let existing = records.first(where: { $0.name == name }) {
                result = existing
            } else {
                records.append(result)
            }
        }
        return result
    }

    /// What ``adopt(_:writing:)`` did with the bouncers it was given, by name.
    public struct Adoption: Sendable, Equatable {
        /// Added to the file (or, without writing, that would be).
        public var taken: [String] = []
        /// Registered already with the same key.
        public var alreadyThere: [String] = []
        /// Left out, each with why: a bouncer of that name with another key, or that key under another name.
        public var conflicts: [String] = []
    }

    /// Adds bouncers registered elsewhere (another Local API's database), keeping their key
    /// digests and auth types, under the file's lock. One whose name and digest (for a
    /// certificate bouncer: name and auth type tls) are here already is left
    /// as it is; one whose name or digest is taken by another entry is a conflict, never
    /// an overwrite. With `writing` false nothing is written and the answer says what would be.
    /// - Throws: ``BouncerError`` when the file cannot be read or written.
    public func adopt(_ incoming: [BouncerRecord], writing: Bool) throws(BouncerError) -> Adoption {
        var adoption = Adoption()
        let merge = { (records: inout [BouncerRecord]) in
            for record in incoming {
                if let same = records.first(where: { $0.name == record.name }) {
                    // A certificate bouncer's key is random on each side: its name and auth type are it.
                    if same.keyDigest == record.keyDigest || (same.authType == .tls && record.authType == .tls) {
                        adoption.alreadyThere.append(record.name)
                    } else {
                        adoption.conflicts.append(
                            "bouncer '\(record.name)' is registered in Warden with another key; kept Warden's")
                    }
                } else if let other = records.first(where: { $0.keyDigest == record.keyDigest }) {
                    adoption.conflicts.append(
                        "bouncer '\(record.name)' has the key of Warden's bouncer '\(other.name)'; not taken")
                } else {
                    records.append(record)
                    adoption.taken.append(record.name)
                }
            }
        }
        if writing {
            try update { records throws(BouncerError) in merge(&records) }
        } else {
            var records = try load()
            merge(&records)
        }
        return adoption
    }

    /// Removes `name`.
    /// - Throws: ``BouncerError`` naming the known bouncers when there is none by that name.
    public func delete(name: String) throws(BouncerError) {
        try update { records throws(BouncerError) in
            guard let index = records.firstIndex(where: { $0.name == name }) else {
                let known = records.map(\.name)
                var message = "no bouncer named '\(name)'"
                if let guess = closestMatch(to: name, in: known) {
                    message += "; did you mean '\(guess)'?"
                } else if !known.isEmpty {
                    message += "; known bouncers: \(known.joined(separator: ", "))"
                }
                throw BouncerError(.badInput, message)
            }
            records.remove(at: index)
        }
    }

    /// What messages call the lines.
    private static let noun = "the bouncer keys"

    private func failure(_ failure: SharedRecords<BouncerRecord>.Failure) -> BouncerError {
        switch failure {
        case .storage(let error):
            BouncerError(.runtime, error.message(about: Self.noun))
        case .malformed(let line):
            BouncerError(
                .badConfig,
                "\(text.location):\(line): not a bouncer line (name, TAB, 128 hex digits, TAB, RFC 3339 time, "
                    + "optionally TAB and 'tls'); fix or delete the line")
        }
    }

    /// Applies `change` to the current bouncers and writes them back, with no other writer in between.
    private func update(_ change: (inout [BouncerRecord]) throws(BouncerError) -> Void) throws(BouncerError) {
        do {
            try records.update { records in try change(&records) }
        } catch let error as BouncerError {
            throw error
        } catch let error as SharedRecords<BouncerRecord>.Failure {
            throw failure(error)
        } catch {
            throw BouncerError(.runtime, "cannot update \(Self.noun) in \(text.location): \(error)")
        }
    }
}

extension BouncerRecord: SharedRecord {
    /// `name<TAB>sha512-hex<TAB>created (RFC 3339)[<TAB>tls]`.
    public init?(line: Substring) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        let authType = fields.count == 4 ? BouncerAuthType(rawValue: String(fields[3])) : .apiKey
        guard fields.count == 3 || fields.count == 4, let authType, Self.isValidName(String(fields[0])),
              fields[1].utf8.count == 128,
              fields[1].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
              let created = Timestamp.parse(String(fields[2]))
        else { return nil }
        self.init(name: String(fields[0]), keyDigest: String(fields[1]), createdNs: created, authType: authType)
    }

    public var line: String {
        "\(name)\t\(keyDigest)\t\(Timestamp.rfc3339(createdNs))\(authType == .tls ? "\ttls" : "")"
    }
}
