import Logging
import WardenBackendHost
import WardenConfig
import WardenBasics
import WardenModel

/// Every backend loaded from the backend folder, driven as one store: writes go
/// to all of them, reads are merged to one row per target.
public final class BanStore: Sendable {
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
    /// - Parameter sweepsExpiredBans: whether the backends' own background work marks
    ///   ended bans expired (the daemon: true; a one-shot CLI command: false), passed
    ///   as the config key `flush` (its legacy name) unless a file sets it.
    /// - Throws: ``ConfigError`` when a backend YAML file is invalid.
    public static func open(
        _ main: MainConfig, sweepsExpiredBans: Bool, logger: Logger, clock: @escaping @Sendable () -> Int64,
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
        injected["flush"] = sweepsExpiredBans ? "true" : "false"
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

    /// Runs `body` on each of `backends` in turn and records every answer.
    func outcomes<Value>(
        of backends: [LoadedBackend], _ body: (LoadedBackend) throws(BackendCallError) -> Value
    ) -> BackendOutcomes<Value> {
        var outcomes = BackendOutcomes<Value>()
        for backend in backends {
            do { outcomes.succeeded.append((backend.name, try body(backend))) } catch { outcomes.failed.append(error) }
        }
        return outcomes
    }

    /// Inserts `signal` into every backend and flushes each, so the ban is durable in
    /// every backend that succeeded when this returns.
    public func add(_ signal: SignalOrder) throws(BanStoreError) -> BackendOutcomes<Void> {
        outcomes(of: try requireBackends()) { backend throws(BackendCallError) in try backend.record(signal) }
    }

    /// The bans matching `query`, from every backend (or `query.backend` only) that
    /// could answer; `now` is used when the query has no time.
    public func list(_ query: BanQuery, now: Int64) throws(BanStoreError) -> BanListing {
        let at = query.at ?? now
        return .merging(outcomes(of: try backends(for: query)) { backend throws(BackendCallError) in
            try backend.read(query, at: at)
        }, limit: query.limit)
    }

    /// The backends `query` reads: the one it names, or every loaded one.
    func backends(for query: BanQuery) throws(BanStoreError) -> [LoadedBackend] {
        guard let name = query.backend else { return try requireBackends() }
        do throws(InputError) { return [try backend(named: name)] } catch { throw .badInput(error) }
    }

    /// Deletes the live ban of `target` in every backend; how many each removed.
    public func delete(target: String) throws(BanStoreError) -> BackendOutcomes<Int> {
        outcomes(of: try requireBackends()) { backend throws(BackendCallError) in try backend.remove(target: target) }
    }

    /// Deletes every live ban in every backend; how many each removed.
    public func deleteAll() throws(BanStoreError) -> BackendOutcomes<Int> {
        outcomes(of: try requireBackends()) { backend throws(BackendCallError) in try backend.removeAll() }
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
