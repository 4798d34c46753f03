import Logging
import Synchronization
import WardenBouncers
import WardenConfig

/// The bouncer keys a running daemon accepts, kept in memory and reloaded when they
/// change (a file: checked at most once a second by requests; a document of the identity
/// backend: by ``refresh()``, every second; both on SIGHUP), plus what it saw
/// of each bouncer, written back to `<keys>.seen` for `warden bouncers list`.
public final class BouncerRegistry: Sendable {
    private struct State {
        var byDigest: [String: String] = [:]
        /// How each registered bouncer authenticates, by name.
        var authTypes: [String: BouncerAuthType] = [:]
        /// Keys already matched to a bouncer since the file was last read: a bouncer
        /// sends its key with every request, and hashing it each time (SHA-512, then
        /// hex) was a tenth of the daemon's time under load. Only keys that matched go
        /// in, so it holds at most one entry per registered key; a reload empties it.
        var byKey: [String: String] = [:]
        var followed = FollowedText()
        /// What was seen of each bouncer instance, by instance name.
        var sightings: [String: BouncerSighting] = [:]
        /// The instance name of each key's name and client address seen.
        var instances: [InstanceKey: String] = [:]
        /// How many instances each bouncer has.
        var instanceCounts: [String: Int] = [:]
        var sightingsDirty = false

        /// Notes that bouncer `name` was just seen from `address`; returns the name of that
        /// instance: `name` for the first address the key came from, `name@address` for each
        /// other one (as CrowdSec 1.6.5 names them), so replicas sharing a key each keep
        /// their own stream position.
        mutating func sighted(name: String, _ address: String, _ userAgent: String, _ now: Int64) -> String {
            let key = InstanceKey(name: name, address: address)
            let instance: String
            if let known = instances[key] {
                instance = known
            } else {
                let count = instanceCounts[name, default: 0]
                if count < BouncerRegistry.instancesPerKey {
                    instance = count == 0 ? name : "\(name)@\(address)"
                    instances[key] = instance
                    instanceCounts[name] = count + 1
                } else {
                    // A key used from more addresses than any deployment has (a stolen key, a
                    // scan) must not grow the daemon: the addresses past the bound share one.
                    instance = "\(name)@others"
                }
            }
            sightings[instance] = BouncerSighting(
                name: instance, address: address, userAgent: userAgent, lastPullNs: now)
            sightingsDirty = true
            return instance
        }

        /// Forgets the instances of the bouncers no longer registered.
        mutating func forgetInstances(keeping names: Set<String>) {
            let gone = instances.filter { !names.contains($0.key.name) }
            guard !gone.isEmpty else { return }
            for (key, instance) in gone {
                instances[key] = nil
                instanceCounts[key.name] = nil
                sightings[instance] = nil
            }
            sightingsDirty = true
        }
    }

    /// The most addresses one key keeps apart (`NAME@ADDRESS`); the others share `NAME@others`.
    static let instancesPerKey = 1024

    /// A registered bouncer's name and a client address it came from.
    struct InstanceKey: Hashable {
        var name: String
        var address: String
    }

    private let keys: BouncerKeyFile
    /// Where this node records what it saw of each bouncer.
    private let sightingsPath: String
    private let logger: Logger
    private let state: Mutex<State>

    /// Loads the registered bouncers of `keys` (never written: no bouncer yet); this node's
    /// sightings are kept in `sightingsPath`.
    /// - Throws: ``BouncerError`` when they are unreadable or malformed.
    public init(keys: BouncerKeyFile, sightingsPath: String, logger: Logger) throws(BouncerError) {
        self.keys = keys
        self.sightingsPath = sightingsPath
        self.logger = logger
        var state = State()
        state.sightings = Dictionary(
            BouncerSighting.load(from: sightingsPath).map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.state = Mutex(state)
        try reload(force: true)
    }

    /// Loads the keys file at `path` (a missing file: no bouncer yet), sightings beside it.
    /// - Throws: ``BouncerError`` when the file is unreadable or malformed.
    public convenience init(path: String, logger: Logger) throws(BouncerError) {
        try self.init(keys: BouncerKeyFile(path: path), sightingsPath: BouncerSighting.path(besideKeys: path), logger: logger)
    }

    /// The bouncer instance whose key is `key`, or nil: the bouncer's name, or
    /// `name@address` when the key already came from another address. Notes the address
    /// and user agent it came with.
    public func authenticate(key: String, address: String, userAgent: String, now: Int64) -> String? {
        reloadIfChanged(now: now)
        let known = state.withLock { state -> String? in
            guard let name = state.byKey[key] else { return nil }
            return state.sighted(name: name, address, userAgent, now)
        }
        if let known { return known }
        let digest = BouncerKey.digest(key)
        return state.withLock { state -> String? in
            guard let name = state.byDigest[digest], state.authTypes[name] == .apiKey else { return nil }
            state.byKey[key] = name
            return state.sighted(name: name, address, userAgent, now)
        }
    }

    /// The bouncer instance that a verified client certificate names: `commonName@address`
    /// (as LAPI names it), registered with auth type tls on its first request. Nil when a
    /// bouncer of that name authenticates by key, or the name cannot be registered; the
    /// reason is logged.
    public func authenticate(certificateName commonName: String, address: String, userAgent: String, now: Int64) -> String? {
        reloadIfChanged(now: now)
        let name = "\(commonName)@\(address)"
        var authType = state.withLock { $0.authTypes[name] }
        if authType == nil {
            do {
                // The file's record: another process may have registered the name meanwhile.
                authType = try keys.addCertificateBouncer(name: name, now: now).authType
                try reload()
                if authType == .tls { logger.info("bouncer '\(name)' registered by its client certificate") }
            } catch {
                logger.error("cannot register bouncer '\(name)' from its client certificate: \(error)")
                return nil
            }
        }
        guard authType == .tls else {
            logger.warning("bouncer '\(name)' presented a client certificate but is registered with an API key: refused")
            return nil
        }
        return state.withLock { $0.sighted(name: name, address, userAgent, now) }
    }

    /// Number of registered bouncers.
    public var count: Int { state.withLock { $0.byDigest.count } }

    /// Rereads the keys if they changed since last read (or always with `force`), and
    /// logs who was added and removed. Broken keys keep the previous ones.
    public func reload(force: Bool = false) throws(BouncerError) {
        if !force {
            let version = try keys.version()
            guard state.withLock({ $0.followed.version != version }) else { return }
        }
        let (records, version) = try keys.loadVersioned()
        let fresh = Dictionary(records.map { ($0.keyDigest, $0.name) }, uniquingKeysWith: { first, _ in first })
        let authTypes = Dictionary(records.map { ($0.name, $0.authType) }, uniquingKeysWith: { first, _ in first })
        let changes = state.withLock { state -> NameChanges in
            let before = Set(state.byDigest.values)
            state.byDigest = fresh
            state.authTypes = authTypes
            state.byKey = [:]
            state.followed.version = version
            state.forgetInstances(keeping: Set(fresh.values))
            return NameChanges(before: before, after: Set(fresh.values))
        }
        if !force && !changes.isEmpty {
            logger.info("bouncer keys reloaded: \(fresh.count) bouncer(s); \(changes.description)")
        }
    }

    /// Writes the sightings file when something changed since the last write.
    public func saveSightings() {
        let snapshot = state.withLock { state -> [BouncerSighting]? in
            guard state.sightingsDirty else { return nil }
            state.sightingsDirty = false
            return state.sightings.values.sorted { $0.name < $1.name }
        }
        guard let snapshot else { return }
        if case .failure(let error) = BouncerSighting.save(snapshot, to: sightingsPath) {
            logger.warning("cannot record bouncer activity in \(sightingsPath): \(error); 'warden bouncers list' will show stale pulls")
        }
    }

    /// Reloads the keys if they changed; logs a failure and keeps the previous ones. What
    /// follows a document of the identity backend every second, off the request path.
    public func refresh() {
        do {
            try reload()
        } catch {
            logger.error("\(error); keeping the previous bouncer keys")
        }
    }

    /// For a file, at most once a second, a cheap stat; a reload when it changed. A
    /// document is left to ``refresh()``: a request never waits for the storage.
    private func reloadIfChanged(now: Int64) {
        guard keys.text.isLocal, state.withLock({ $0.followed.lookIsDue(now: now) }) else { return }
        refresh()
    }
}
