/// A text that several processes read and edit: the registered bouncers, the machines,
/// the token secret. By default a file (``SharedFile``); with `api.server.identity_backend`,
/// a document in the storage every node shares, so what one node registers all know.
public protocol SharedText: Sendable {
    /// Where it is kept, for messages: `/var/lib/warden/bouncers`, or
    /// `document 'bouncers' of backend "sqlite"`.
    var location: String { get }
    /// Whether ``version()`` is a local look (a `stat`) cheap enough for a request to take;
    /// false when it asks the storage.
    var isLocal: Bool { get }
    /// What changes whenever the text does; nil when it was never written.
    func version() throws(SharedTextError) -> SharedTextVersion?
    /// The text with its version; nil when it was never written.
    func read() throws(SharedTextError) -> (text: String, version: SharedTextVersion)?
    /// Replaces the text with what `change` makes of the current one (nil: never written),
    /// with no other writer in between: under a lock (a file), or by compare and swap,
    /// calling `change` again when another writer came first (a document).
    /// - Throws: what `change` throws, or ``SharedTextError``.
    func update(_ change: (String?) throws -> String) throws
}

/// One version of a ``SharedText``.
public enum SharedTextVersion: Sendable, Equatable {
    case file(FileVersion)
    case document(Int64)
}

/// A ``SharedText`` that could not be read, locked or written.
public struct SharedTextError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Operation: Sendable, Equatable {
        case read, lock, write
    }

    public var operation: Operation
    /// ``SharedText/location``, or the lock file's path for ``Operation/lock``.
    public var location: String
    /// Why, in the system's or the storage's words.
    public var reason: String
    /// What to do about it.
    public var advice: String

    public init(_ operation: Operation, location: String, reason: String, advice: String) {
        self.operation = operation
        self.location = location
        self.reason = reason
        self.advice = advice
    }

    /// `cannot read the bouncer keys in /var/lib/warden/bouncers: Permission denied; check its permissions`.
    public func message(about what: String) -> String {
        switch operation {
        case .read: "cannot read \(what) in \(location): \(reason); \(advice)"
        case .write: "cannot write \(what) to \(location): \(reason); \(advice)"
        case .lock: "cannot lock \(location): \(reason); \(advice)"
        }
    }

    public var description: String { message(about: "the text") }
}

/// A ``SharedText`` kept in a file: read whole, replaced atomically (mode 0600) under the
/// lock file `<path>.lock`, versioned by its inode, size and modification time.
public struct SharedFile: SharedText {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var location: String { path }
    public var isLocal: Bool { true }

    public func version() throws(SharedTextError) -> SharedTextVersion? {
        FileSystem.version(of: path).map { .file($0) }
    }

    public func read() throws(SharedTextError) -> (text: String, version: SharedTextVersion)? {
        guard let version = FileSystem.version(of: path) else { return nil }
        switch FileSystem.read(path) {
        case .success(let text): return (text, .file(version))
        case .failure(let error):
            throw SharedTextError(.read, location: path, reason: "\(error)", advice: "check its permissions")
        }
    }

    public func update(_ change: (String?) throws -> String) throws {
        let lock = path + ".lock"
        let writable = "check the folder exists and is writable"
        do {
            try FileSystem.withExclusiveLock(lock) {
                let text = try change(try read()?.text)
                if case .failure(let error) = FileSystem.writeAtomically(text, to: path) {
                    throw SharedTextError(.write, location: path, reason: "\(error)", advice: writable)
                }
            }
        } catch let error as SystemError {
            throw SharedTextError(.lock, location: lock, reason: "\(error)", advice: writable)
        }
    }
}
