import WardenBasics
import WardenConfig
import WardenModel

/// The registered machines: one line per machine, `name<TAB>bcrypt<TAB>validated|pending
/// <TAB>created (RFC 3339)`, then `<TAB>tls` for a machine that a client certificate
/// registered, `#` comments. Kept in the file `api.server.machines_file`, or in the
/// document `machines` of the identity backend (``SharedText``). `warden machines` and the
/// daemon's `POST /v1/watchers` edit it with no other writer in between; the daemon
/// notices a new version and reloads it, so changes need no restart.
public struct MachineFile: Sendable {
    private let records: SharedRecords<MachineRecord>

    /// Where the lines are kept.
    public var text: any SharedText { records.text }

    public init(text: any SharedText) {
        records = SharedRecords(text: text, header: Self.header)
    }

    /// The machines kept in the file at `path`.
    public init(path: String) {
        self.init(text: SharedFile(path: path))
    }

    private static let header = "# Warden machines: name, bcrypt of the password, validated or pending, registered at. Edit with 'warden machines'.\n"

    /// Every registered machine, in file order. A missing file is an empty list.
    /// - Throws: ``MachineError`` when the file cannot be read or a line is malformed.
    public func load() throws(MachineError) -> [MachineRecord] {
        try loadVersioned().records
    }

    /// Every registered machine, with the version they were read at (nil: never written).
    /// - Throws: ``MachineError`` when they cannot be read or a line is malformed.
    public func loadVersioned() throws(MachineError) -> (records: [MachineRecord], version: SharedTextVersion?) {
        do {
            return try records.loadVersioned()
        } catch {
            throw failure(error)
        }
    }

    /// The version of the lines, to notice a change cheaply; nil when never written.
    /// - Throws: ``MachineError`` when it cannot be read.
    public func version() throws(MachineError) -> SharedTextVersion? {
        do {
            return try records.version()
        } catch {
            throw failure(error)
        }
    }

    /// Registers `name` with `password` (hashed here). `warden machines add` registers
    /// validated machines; `POST /v1/watchers` pending ones. With `replacing`, an existing
    /// machine of that name gets the new password (and state) instead of an error.
    /// - Throws: ``MachineError``: a bad name or password, a taken name
    ///   (``MachineError/isNameTaken``), a file that cannot be written.
    public func add(
        name: String, password: String, validated: Bool, replacing: Bool = false, now: Int64
    ) throws(MachineError) {
        guard MachineRecord.isValidName(name) else {
            throw MachineError(
                .badInput, "'\(name)' is not a valid machine name: use 1 to 128 letters, digits, '-', '_', '.' or '@'")
        }
        guard MachinePassword.isAcceptable(password) else {
            throw MachineError(
                .badInput, "the password must be 1 to 72 bytes without control characters; use --auto for a random one")
        }
        let record = MachineRecord(
            name: name, passwordHash: MachinePassword.hash(password), validated: validated, createdNs: now)
        try update { records throws(MachineError) in
            if let index = records.firstIndex(where: { $0.name == name }) {
                guard replacing else {
                    throw MachineError(
                        .badInput, "a machine named '\(name)' exists already; use --force to give it a new password, or choose another name",
                        isNameTaken: true)
                }
                records[index] = record
            } else {
                records.append(record)
            }
        }
    }

    /// Registers `name` as a validated machine that a TLS client certificate logs in, with
    /// a random password nobody is given, unless a machine of that name exists; returns the
    /// record now in the file (the existing one, whatever its auth type).
    /// - Throws: ``MachineError``: a bad name, or a file that cannot be written.
    public func addCertificateMachine(name: String, now: Int64) throws(MachineError) -> MachineRecord {
        guard MachineRecord.isValidName(name) else {
            throw MachineError(
                .badInput, "'\(name)' is not a valid machine name: the certificate's CN must be letters, digits, '-', '_' or '.'")
        }
        var result = MachineRecord(
            name: name, passwordHash: MachinePassword.hash(MachinePassword.generate()), validated: true, createdNs: now,
            authType: .tls)
        try update { records throws(MachineError) in
            if let existing = records.first(where: { $0.name == name }) {
                result = existing
            } else {
                records.append(result)
            }
        }
        return result
    }

    /// What ``adopt(_:writing:)`` did with the machines it was given, by name.
    public struct Adoption: Sendable, Equatable {
        /// Added to the file (or, without writing, that would be).
        public var taken: [String] = []
        /// Registered already with the same password hash.
        public var alreadyThere: [String] = []
        /// Left out, each with why (a machine of that name with another password).
        public var conflicts: [String] = []
    }

    /// Adds machines registered elsewhere (another Local API's database) with their bcrypt
    /// hashes and states, under the file's lock. One whose name and hash are here already
    /// is left as it is; one whose name is taken with another hash is a conflict, never an
    /// overwrite. With `writing` false nothing is written and the answer says what would be.
    /// - Throws: ``MachineError`` when the file cannot be read or written.
    public func adopt(_ incoming: [MachineRecord], writing: Bool) throws(MachineError) -> Adoption {
        var adoption = Adoption()
        let merge = { (records: inout [MachineRecord]) in
            for record in incoming {
                if let same = records.first(where: { $0.name == record.name }) {
                    if same.passwordHash == record.passwordHash {
                        adoption.alreadyThere.append(record.name)
                    } else {
                        adoption.conflicts.append(
                            "machine '\(record.name)' is registered in Warden with another password; kept Warden's")
                    }
                } else {
                    records.append(record)
                    adoption.taken.append(record.name)
                }
            }
        }
        if writing {
            try update { records throws(MachineError) in merge(&records) }
        } else {
            var records = try load()
            merge(&records)
        }
        return adoption
    }

    /// Removes `name`.
    /// - Throws: ``MachineError`` naming the known machines when there is none by that name.
    public func delete(name: String) throws(MachineError) {
        try update { records throws(MachineError) in
            let index = try Self.index(of: name, in: records)
            records.remove(at: index)
        }
    }

    /// Lets `name` log in (a machine registered through `POST /v1/watchers`).
    /// - Throws: ``MachineError`` when there is no machine by that name.
    public func validate(name: String) throws(MachineError) {
        try update { records throws(MachineError) in
            let index = try Self.index(of: name, in: records)
            records[index].validated = true
        }
    }

    private static func index(of name: String, in records: [MachineRecord]) throws(MachineError) -> Int {
        if let index = records.firstIndex(where: { $0.name == name }) { return index }
        let known = records.map(\.name)
        var message = "no machine named '\(name)'"
        if let guess = closestMatch(to: name, in: known) {
            message += "; did you mean '\(guess)'?"
        } else if !known.isEmpty {
            message += "; known machines: \(known.joined(separator: ", "))"
        }
        throw MachineError(.badInput, message)
    }

    /// What messages call the lines.
    private static let noun = "the machines"

    private func failure(_ failure: SharedRecords<MachineRecord>.Failure) -> MachineError {
        switch failure {
        case .storage(let error):
            MachineError(.runtime, error.message(about: Self.noun))
        case .malformed(let line):
            MachineError(
                .badConfig,
                "\(text.location):\(line): not a machine line (name, TAB, bcrypt hash, TAB, validated or pending, TAB, "
                    + "RFC 3339 time, optionally TAB and 'tls'); fix or delete the line")
        }
    }

    /// Applies `change` to the current machines and writes them back, with no other writer in between.
    private func update(_ change: (inout [MachineRecord]) throws(MachineError) -> Void) throws(MachineError) {
        do {
            try records.update { records in try change(&records) }
        } catch let error as MachineError {
            throw error
        } catch let error as SharedRecords<MachineRecord>.Failure {
            throw failure(error)
        } catch {
            throw MachineError(.runtime, "cannot update \(Self.noun) in \(text.location): \(error)")
        }
    }
}

extension MachineRecord: SharedRecord {
    /// `name<TAB>bcrypt<TAB>validated|pending<TAB>created (RFC 3339)[<TAB>tls]`.
    public init?(line: Substring) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        let authType = fields.count == 5 ? MachineAuthType(rawValue: fields[4]) : .password
        guard fields.count == 4 || fields.count == 5, let authType, Self.isValidName(fields[0]), fields[1].hasPrefix("$2"),
              fields[2] == "validated" || fields[2] == "pending", let created = Timestamp.parse(fields[3])
        else { return nil }
        self.init(name: fields[0], passwordHash: fields[1], validated: fields[2] == "validated", createdNs: created, authType: authType)
    }

    public var line: String {
        "\(name)\t\(passwordHash)\t\(validated ? "validated" : "pending")\t\(Timestamp.rfc3339(createdNs))"
            + "\(authType == .tls ? "\ttls" : "")"
    }
}
