import Logging
import Synchronization
import WardenBackendHost
import WardenConfig

/// Where the bouncers, the machines and the token secret are kept: the files of
/// `api.server` (one node's), or, with `api.server.identity_backend`, the documents
/// `bouncers`, `machines` and `token-secret` of that backend's storage, which every node
/// on it shares (`warden.documents/1`).
public struct IdentityTexts: Sendable {
    public var bouncers: any SharedText
    public var machines: any SharedText
    public var tokenSecret: any SharedText

    /// The files `api` names.
    public init(files api: APIConfig) {
        bouncers = SharedFile(path: api.bouncersFile)
        machines = SharedFile(path: api.machinesFile)
        tokenSecret = SharedFile(path: api.tokenSecretFile)
    }

    /// What `main` says: the files, or the documents of its identity backend, loaded as an
    /// instance of its own (its calls never wait behind the store's). A document never
    /// written starts as the local file's text, when there is one, so a node that moves to
    /// the identity backend keeps who it knew (the first node to write wins; the others'
    /// files are left as they are).
    /// - Throws: ``IdentityBackendError`` when the backend is not configured, cannot be
    ///   loaded or lacks `warden.documents/1`, or a document cannot be written.
    public static func open(
        _ main: MainConfig, logger: Logger, clock: @escaping @Sendable () -> Int64, allowUnsafeFiles: Bool
    ) throws(IdentityBackendError) -> IdentityTexts {
        let files = IdentityTexts(files: main.api)
        guard let name = main.api.identityBackend else { return files }
        let configs: [BackendConfigFile]
        do {
            configs = try BackendConfigFile.loadAll(in: main.backendFolder)
        } catch {
            throw IdentityBackendError(name, "the backend folder \(main.backendFolder) cannot be read: \(error)")
        }
        guard let config = configs.first(where: { $0.name == name }) else {
            let known = configs.map(\.name)
            throw IdentityBackendError(
                name, "no backend file in \(main.backendFolder) has that name (known: "
                    + "\(known.isEmpty ? "none" : known.joined(separator: ", "))); fix the name or unset the key")
        }
        let backend: LoadedBackend
        do {
            var injected = main.injected
            injected["flush"] = "false"
            backend = try BanStore.load(config, injected: injected, logger: logger, clock: clock, allowUnsafeFiles: allowUnsafeFiles)
        } catch {
            throw IdentityBackendError(name, "\(error)")
        }
        guard backend.offersDocuments else {
            throw IdentityBackendError(
                name, "it does not offer warden.documents/1; use sqlite, mysql or postgresql, or unset the key")
        }
        let documents = SharedDocuments(backend)
        let texts = IdentityTexts(
            bouncers: documents.text(named: "bouncers"), machines: documents.text(named: "machines"),
            tokenSecret: documents.text(named: "token-secret"))
        for (document, file) in [(texts.bouncers, files.bouncers), (texts.machines, files.machines),
                                 (texts.tokenSecret, files.tokenSecret)] {
            do {
                guard try document.version() == nil, let local = try file.read() else { continue }
                var seeded = false
                try document.update { current in
                    seeded = current == nil  // another node may have written it first
                    return current ?? local.text
                }
                if seeded { logger.info("\(document.location) starts from \(file.location)") }
            } catch {
                throw IdentityBackendError(name, "\(error)")
            }
        }
        return texts
    }

    private init(bouncers: any SharedText, machines: any SharedText, tokenSecret: any SharedText) {
        self.bouncers = bouncers
        self.machines = machines
        self.tokenSecret = tokenSecret
    }
}

/// `api.server.identity_backend` cannot be used.
public struct IdentityBackendError: Error, Sendable, CustomStringConvertible {
    public var backend: String
    public var reason: String

    init(_ backend: String, _ reason: String) {
        self.backend = backend
        self.reason = reason
    }

    public var description: String {
        "api.server.identity_backend '\(backend)' cannot keep the bouncers and machines: \(reason)"
    }
}

/// One backend instance whose documents back ``SharedText``s; its calls are serialized.
final class SharedDocuments: Sendable {
    private let backend: Mutex<LoadedBackend>
    let name: String

    init(_ backend: LoadedBackend) {
        name = backend.name
        self.backend = Mutex(backend)
    }

    func text(named document: String) -> DocumentText { DocumentText(documents: self, name: document) }

    func withBackend<R>(_ body: (LoadedBackend) throws(BackendCallError) -> R) throws(BackendCallError) -> R {
        try backend.withLock { backend throws(BackendCallError) in try body(backend) }
    }
}

/// A ``SharedText`` kept as a document of the identity backend, written by compare and swap.
struct DocumentText: SharedText {
    let documents: SharedDocuments
    let name: String
    /// Writers that keep coming first this many times in a row mean something is wrong.
    static let attempts = 20

    var location: String { "document '\(name)' of backend \"\(documents.name)\"" }
    var isLocal: Bool { false }

    func version() throws(SharedTextError) -> SharedTextVersion? {
        let version: Int64
        do {
            version = try documents.withBackend { backend throws(BackendCallError) in try backend.documentVersion(name) }
        } catch {
            throw failure(.read, error)
        }
        return version > 0 ? .document(version) : nil
    }

    func read() throws(SharedTextError) -> (text: String, version: SharedTextVersion)? {
        do {
            return try documents.withBackend { backend throws(BackendCallError) in try backend.readDocument(name) }
                .map { ($0.text, .document($0.version)) }
        } catch {
            throw failure(.read, error)
        }
    }

    func update(_ change: (String?) throws -> String) throws {
        for _ in 0..<Self.attempts {
            let current: StoredDocument?
            do {
                current = try documents.withBackend { backend throws(BackendCallError) in try backend.readDocument(name) }
            } catch {
                throw failure(.read, error)
            }
            let text = try change(current?.text)
            let written: Int64?
            do {
                written = try documents.withBackend { backend throws(BackendCallError) in
                    try backend.writeDocument(name, text: text, replacing: current?.version ?? 0)
                }
            } catch {
                throw failure(.write, error)
            }
            if written != nil { return }
        }
        throw SharedTextError(
            .write, location: location, reason: "other writers changed it \(Self.attempts) times in a row",
            advice: "try again; if it persists, look for a process rewriting it in a loop")
    }

    private func failure(_ operation: SharedTextError.Operation, _ error: BackendCallError) -> SharedTextError {
        SharedTextError(operation, location: location, reason: error.description, advice: "check that the backend's storage is reachable")
    }
}
