import Logging
import WardenBackendHost
import WardenConfig
import WardenModel

/// Every backend loaded from the backend folder, driven as one store: writes go
/// to all of them, reads are merged to one row per target.
public final class BanStore {
    /// A backend that was configured but could not be loaded or initialised.
    public struct Discarded: Sendable {
        public var config: BackendConfigFile
        public var error: BackendLoadError
    }

    public let backends: [LoadedBackend]
    public let discarded: [Discarded]
    /// The backend configs, in load order (loaded and discarded).
    public let configs: [BackendConfigFile]
    public let folder: String

    public init(backends: [LoadedBackend], discarded: [Discarded], configs: [BackendConfigFile], folder: String) {
        self.backends = backends
        self.discarded = discarded
        self.configs = configs
        self.folder = folder
    }

    /// Loads every backend of the main config's folder. A backend that fails to
    /// load or to `init` is discarded with a warning; the others go on.
    /// - Parameter flush: the value injected as `flush` unless a file sets it.
    /// - Throws: ``ConfigError`` when a backend YAML file is invalid.
    public static func open(
        _ main: MainConfig, flush: Bool, logger: Logger, clock: @escaping @Sendable () -> Int64,
        allowUnsafeFiles: Bool
    ) throws(ConfigError) -> BanStore {
        let configs: [BackendConfigFile]
        do {
            configs = try BackendConfigFile.loadAll(in: main.backendFolder)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(file: main.backendFolder, line: nil, "\(error)")
        }
        var loaded: [LoadedBackend] = []
        var discarded: [Discarded] = []
        var injected = main.injected
        injected["flush"] = flush ? "true" : "false"
        for config in configs {
            do {
                loaded.append(try load(config, injected: injected, logger: logger, clock: clock,
                                       allowUnsafeFiles: allowUnsafeFiles))
            } catch {
                logger.warning("\(error); backend \"\(config.name)\" discarded")
                discarded.append(Discarded(config: config, error: error))
            }
        }
        return BanStore(backends: loaded, discarded: discarded, configs: configs, folder: main.backendFolder)
    }

    /// Opens the library, creates the instance and calls `init` with the config map
    /// plus `injected` keys the file does not set.
    public static func load(
        _ config: BackendConfigFile, injected: [String: String], logger: Logger,
        clock: @escaping @Sendable () -> Int64, allowUnsafeFiles: Bool
    ) throws(BackendLoadError) -> LoadedBackend {
        let library = try BackendLibrary.open(config.libraryPath, allowUnsafeFiles: allowUnsafeFiles)
        let backend = try LoadedBackend(name: config.name, library: library, logger: logger, clock: clock)
        do {
            try backend.configure(config.config.merging(injected) { own, _ in own })
        } catch {
            throw BackendLoadError(
                path: config.libraryPath,
                reason: .initFailed(name: config.name, status: error.status, message: error.message))
        }
        return backend
    }

    /// The loaded backends, or an error when there is none.
    public func requireBackends() throws(BanStoreError) -> [LoadedBackend] {
        guard !backends.isEmpty else { throw .noBackend(folder: folder, discarded: discarded.count) }
        return backends
    }

    /// Runs `body` on every backend; collects the failures and throws them together.
    @discardableResult
    private func each<R>(_ body: (LoadedBackend) throws(BackendCallError) -> R) throws(BanStoreError) -> [R] {
        var results: [R] = []
        var failures: [BackendCallError] = []
        for backend in try requireBackends() {
            do {
                results.append(try body(backend))
            } catch {
                failures.append(error)
            }
        }
        guard failures.isEmpty else { throw .backendsFailed(failures) }
        return results
    }

    /// Inserts `signal` into every backend and flushes each, so the ban is durable
    /// when this returns. Returns the names of the backends that stored it.
    @discardableResult
    public func add(_ signal: SignalOrder) throws(BanStoreError) -> [String] {
        try each { backend throws(BackendCallError) in
            try backend.insert(signal)
            try backend.flush()
            return backend.name
        }
    }

    /// Bans active at `at`, merged to one per target (the one that ends last wins),
    /// newest first, then by target.
    /// - Parameter only: read this backend only (a name from the configs).
    public func active(at: Int64, only: LoadedBackend? = nil) throws(BanStoreError) -> [Ban] {
        let lists: [[Ban]]
        if let only {
            do { lists = [try only.read(at: at)] } catch { throw .backendsFailed([error]) }
        } else {
            lists = try each { backend throws(BackendCallError) in try backend.read(at: at) }
        }
        var byTarget: [String: Ban] = [:]
        for ban in lists.joined() {
            if let kept = byTarget[ban.target], kept.untilNs >= ban.untilNs { continue }
            byTarget[ban.target] = ban
        }
        return byTarget.values.sorted {
            $0.createdNs != $1.createdNs ? $0.createdNs > $1.createdNs : $0.target < $1.target
        }
    }

    /// Deletes the live ban of `target` in every backend; returns the total removed.
    public func delete(target: String) throws(BanStoreError) -> Int {
        try each { backend throws(BackendCallError) in
            let count = try backend.delete(target: target)
            try backend.flush()
            return count
        }.reduce(0, +)
    }

    /// Deletes every live ban in every backend; returns the total removed.
    public func deleteAll() throws(BanStoreError) -> Int {
        try each { backend throws(BackendCallError) in
            let count = try backend.deleteAll()
            try backend.flush()
            return count
        }.reduce(0, +)
    }

    /// The loaded backend called `name`.
    /// - Throws: ``InputError`` with a "did you mean" suggestion when there is none.
    public func backend(named name: String) throws(InputError) -> LoadedBackend {
        if let backend = backends.first(where: { $0.name == name }) { return backend }
        let known = configs.map(\.name)
        if discarded.contains(where: { $0.config.name == name }) {
            throw InputError("backend '\(name)' was discarded at load time (see the warnings above)")
        }
        var message = "no backend named '\(name)'"
        if let guess = closestMatch(to: name, in: known) { message += "; did you mean '\(guess)'?" }
        else if !known.isEmpty { message += "; known backends: \(known.joined(separator: ", "))" }
        throw InputError(message)
    }
}

/// The candidate within edit distance 2 (or a third of the word) of `word`.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, word.count / 3) else { return nil }
    return best
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
