import Crypto
import Logging
import Synchronization
import WardenConfig
import WardenMachines

/// The machines a running daemon lets log in, kept in memory and reloaded when they
/// change (a file: checked at most once a second by requests; a document of the identity
/// backend: by ``refresh()``, every second; both on SIGHUP); the token
/// signer; and what it saw of each machine, written back to `<machines>.seen` for
/// `warden machines list`.
public final class MachineRegistry: Sendable {
    private struct State {
        var records: [String: MachineRecord] = [:]
        var followed = FollowedText()
        var sightings: [String: MachineSighting] = [:]
        var sightingsDirty = false
        /// SHA-256 of the password each machine last logged in with, once bcrypt accepted
        /// it: `cscli` logs in before every command, and a bcrypt check holds a thread for
        /// tens of milliseconds. Kept with the bcrypt hash it was checked against, so a
        /// new password (in a reloaded file) is checked again.
        var verified: [String: (hash: String, digest: [UInt8])] = [:]
    }

    private let file: MachineFile
    /// Where this node records what it saw of each machine.
    private let sightingsPath: String
    private let logger: Logger
    private let state: Mutex<State>
    /// Signs and checks the machines' tokens.
    public let tokens: MachineToken

    /// Loads the registered machines of `file` (never written: no machine yet) and the
    /// token secret in `tokenSecret` (made on first start); this node's sightings are kept
    /// in `sightingsPath`.
    /// - Throws: ``MachineError`` when they are unreadable or malformed.
    public init(file: MachineFile, tokenSecret: any SharedText, sightingsPath: String, logger: Logger) throws(MachineError) {
        self.file = file
        self.sightingsPath = sightingsPath
        self.logger = logger
        tokens = MachineToken(secret: try TokenSecret.loadOrCreate(in: tokenSecret))
        var state = State()
        state.sightings = Dictionary(
            MachineSighting.load(from: sightingsPath).map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.state = Mutex(state)
        try reload(force: true)
    }

    /// Loads the machines file at `path` (a missing file: no machine yet), with the token
    /// secret and the sightings beside it.
    /// - Throws: ``MachineError`` when a file is unreadable or malformed.
    public convenience init(path: String, logger: Logger) throws(MachineError) {
        try self.init(
            file: MachineFile(path: path), tokenSecret: SharedFile(path: TokenSecret.path(besideMachines: path)),
            sightingsPath: MachineSighting.path(besideMachines: path), logger: logger)
    }

    /// Number of registered machines.
    public var count: Int { state.withLock { $0.records.count } }

    /// Whether `name` is registered (tokens of a deleted machine are refused).
    public func isRegistered(_ name: String, now: Int64) -> Bool {
        reloadIfChanged(now: now)
        return state.withLock { $0.records[name] != nil }
    }

    /// Whether `password` is the one `name` last logged in with, as bcrypt accepted it:
    /// a check of a SHA-256 digest, no bcrypt, so the login throttle lets it through.
    public func knowsPassword(name: String, password: String, now: Int64) -> Bool {
        reloadIfChanged(now: now)
        let digest = Array(SHA256.hash(data: Array(password.utf8)))
        return state.withLock { state in
            guard let record = state.records[name], let known = state.verified[name] else { return false }
            return known.hash == record.passwordHash && known.digest == digest
        }
    }

    /// Checks a login as LAPI does, in its order, and notes the machine's address,
    /// version and scenarios. Returns nil when it may log in, else why not.
    /// The bcrypt check takes tens of milliseconds (unless ``knowsPassword(name:password:now:)``):
    /// callers run it off Swift's cooperative pool.
    public func login(
        name: String, password: String, scenarios: [String], address: String, userAgent: String, now: Int64
    ) -> MachineLoginRefusal? {
        reloadIfChanged(now: now)
        guard let record = state.withLock({ $0.records[name] }) else {
            return MachineLoginRefusal(kind: .unknownMachine, message: "ent: machine not found")
        }
        guard record.authType == .password else {
            return MachineLoginRefusal(
                kind: .wrongAuthType, message: "machine \(name) attempted to auth with password but it is configured to use \(record.authType.rawValue)")
        }
        guard record.validated else { return MachineLoginRefusal(kind: .notValidated, message: "machine \(name) not validated") }
        let digest = Array(SHA256.hash(data: Array(password.utf8)))
        let known = state.withLock { $0.verified[name] }
        if known?.hash != record.passwordHash || known?.digest != digest {
            guard MachinePassword.verify(password, hash: record.passwordHash) else {
                return MachineLoginRefusal(kind: .wrongPassword, message: "incorrect Username or Password")
            }
            state.withLock { $0.verified[name] = (record.passwordHash, digest) }
        }
        return admit(name: name, scenarios: scenarios, address: address, userAgent: userAgent, now: now)
    }

    /// Logs in the machine that a verified client certificate names: `commonName@address`
    /// (as LAPI names it), registered validated with auth type tls on its first login.
    /// Returns the machine's name, and nil or why it may not log in. Registering hashes a
    /// random password with bcrypt once: callers run it off Swift's cooperative pool.
    public func login(
        certificateName commonName: String, scenarios: [String], address: String, userAgent: String, now: Int64
    ) -> (name: String, refusal: MachineLoginRefusal?) {
        reloadIfChanged(now: now)
        let name = "\(commonName)@\(address)"
        var record = state.withLock { $0.records[name] }
        if record == nil {
            do throws(MachineError) {
                record = try file.addCertificateMachine(name: name, now: now)
                try reload()
                logger.info("machine '\(name)' registered by its client certificate")
            } catch {
                logger.error("cannot register machine '\(name)' from its client certificate: \(error)")
                return (name, MachineLoginRefusal(kind: .registrationFailed, message: "incorrect Username or Password"))
            }
        }
        guard let record, record.authType == .tls else {
            return (name, MachineLoginRefusal(
                kind: .wrongAuthType, message: "machine \(name) attempted to auth with TLS cert but it is configured to use password"))
        }
        return (name, admit(name: name, scenarios: scenarios, address: address, userAgent: userAgent, now: now))
    }

    /// The checks after the credentials, and the sighting: LAPI refuses a user agent that is
    /// not NAME/VERSION, and notes the machine's address, version and scenarios.
    private func admit(name: String, scenarios: [String], address: String, userAgent: String, now: Int64) -> MachineLoginRefusal? {
        // LAPI keeps the part of the user agent after its one '/' as the version, and
        // refuses the login (with the same words as a wrong password) when there is not exactly one.
        let agent = userAgent.split(separator: "/", omittingEmptySubsequences: false)
        guard agent.count == 2 else {
            logger.warning("machine '\(name)' refused: its user agent '\(userAgent)' from \(address) is not NAME/VERSION")
            return MachineLoginRefusal(kind: .userAgent, message: "incorrect Username or Password")
        }
        state.withLock { state in
            let previous = state.sightings[name]
            state.sightings[name] = MachineSighting(
                name: name, address: address, version: String(agent[1]),
                scenarios: scenarios.isEmpty ? previous?.scenarios ?? "" : scenarios.joined(separator: ","),
                lastLoginNs: now, lastHeartbeatNs: previous?.lastHeartbeatNs ?? 0)
            state.sightingsDirty = true
        }
        return nil
    }

    /// Notes a heartbeat of `name`.
    public func heartbeat(name: String, now: Int64) {
        state.withLock { state in
            guard var sighting = state.sightings[name] else { return }
            sighting.lastHeartbeatNs = now
            state.sightings[name] = sighting
            state.sightingsDirty = true
        }
    }

    /// Registers `name` through `POST /v1/watchers` from `address`: unvalidated, as LAPI does
    /// for `cscli lapi register`, or validated when auto-registration accepted it.
    public func register(name: String, password: String, validated: Bool = false, address: String, now: Int64) throws(MachineError) {
        try file.add(name: name, password: password, validated: validated, now: now)
        try reload()
        if validated {
            logger.info("machine '\(name)' registered itself from \(address) with the auto-registration token; it can log in")
        } else {
            logger.info("machine '\(name)' registered through the API from \(address); it can log in once 'warden machines validate \(name)' is run")
        }
    }

    /// Removes `name` (`DELETE /v1/watchers/self`: an agent with `unregister_on_exit`
    /// leaving); its token stops working at once.
    public func unregister(name: String) throws(MachineError) {
        try file.delete(name: name)
        try reload()
        state.withLock { state in
            if state.sightings.removeValue(forKey: name) != nil { state.sightingsDirty = true }
        }
        logger.info("machine '\(name)' unregistered itself through the API")
    }

    /// Rereads the machines if they changed since last read (or always with `force`),
    /// and logs who was added and removed. Broken lines keep the previous machines.
    public func reload(force: Bool = false) throws(MachineError) {
        if !force {
            let version = try file.version()
            guard state.withLock({ $0.followed.version != version }) else { return }
        }
        let (records, version) = try file.loadVersioned()
        let fresh = Dictionary(records.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let changes = state.withLock { state -> NameChanges in
            let before = Set(state.records.keys)
            state.records = fresh
            state.followed.version = version
            return NameChanges(before: before, after: Set(fresh.keys))
        }
        if !force && !changes.isEmpty {
            logger.info("machines reloaded: \(fresh.count) machine(s); \(changes.description)")
        }
    }

    /// Writes the sightings file when something changed since the last write.
    public func saveSightings() {
        let snapshot = state.withLock { state -> [MachineSighting]? in
            guard state.sightingsDirty else { return nil }
            state.sightingsDirty = false
            return state.sightings.values.sorted { $0.name < $1.name }
        }
        guard let snapshot else { return }
        if case .failure(let error) = MachineSighting.save(snapshot, to: sightingsPath) {
            logger.warning("cannot record machine activity in \(sightingsPath): \(error); 'warden machines list' will show stale logins")
        }
    }

    /// Reloads the machines if they changed; logs a failure and keeps the previous ones.
    /// What follows a document of the identity backend every second, off the request path.
    public func refresh() {
        do {
            try reload()
        } catch {
            logger.error("\(error); keeping the previous machines")
        }
    }

    /// For a file, at most once a second, a cheap stat; a reload when it changed. A
    /// document is left to ``refresh()``: a request never waits for the storage.
    private func reloadIfChanged(now: Int64) {
        guard file.text.isLocal, state.withLock({ $0.followed.lookIsDue(now: now) }) else { return }
        refresh()
    }
}

/// Why a machine may not log in, with LAPI's 401 message.
public struct MachineLoginRefusal: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No machine of that name: counts as a failed guess.
        case unknownMachine
        /// Registered through the API and not validated yet.
        case notValidated
        /// The password is not the machine's: counts as a failed guess.
        case wrongPassword
        /// The right password, from a client whose user agent is not NAME/VERSION.
        case userAgent
        /// A password for a machine a certificate registered, or a certificate for one
        /// registered with a password.
        case wrongAuthType
        /// A certificate's first login, whose machine could not be registered (the
        /// machines could not be written; the reason is logged).
        case registrationFailed
    }

    public let kind: Kind
    /// LAPI's words for it.
    public let message: String

    /// Whether the attempt was a wrong guess of a name or a password (what the login throttle counts).
    public var isGuess: Bool { kind == .unknownMachine || kind == .wrongPassword }

    public var description: String { message }
}
