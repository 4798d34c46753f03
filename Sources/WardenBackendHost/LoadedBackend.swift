import CWardenBackend
import Logging
import Synchronization
import WardenBasics
import WardenModel

/// One live backend instance: created by `New`, checked, and driven through its
/// vtable. Calls are serialized, as the ABI promises the backend; errors come
/// back as ``BackendCallError``. `destroy` runs when the value is released.
public final class LoadedBackend: @unchecked Sendable {
    /// The configured name (`name:` of its YAML file).
    public let name: String
    public let library: BackendLibrary
    /// The name and version the backend declares about itself.
    public let declaredName: String
    public let declaredVersion: String
    public let abiMajor: UInt32
    public let abiMinor: UInt32
    /// Bytes of `warden_backend_t` the backend declares.
    public let structSize: UInt32

    let vtable: UnsafeMutablePointer<warden_backend_t>
    private let host: UnsafeMutablePointer<warden_host_t>
    private let lock = Mutex(())
    var encoder = SignalEncoder()
    /// The error buffer every call lends the backend (calls are serialized). Made once
    /// `New` succeeded: a throwing init never runs `deinit`, which frees it.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates an instance of `library` (calls `New`) without configuring it.
    /// - Throws: ``BackendLoadError`` when `New` fails or returns something malformed.
    /// `events` receives what the backend counts (ABI 1.3 `count`): this instance's name,
    /// the event's, and how many.
    public init(
        name: String, library: BackendLibrary, logger: Logger, clock: @escaping @Sendable () -> Int64,
        events: BackendEvents? = nil
    ) throws(BackendLoadError) {
        var tagged = logger
        tagged[metadataKey: "backend"] = "\(name)"
        let count = events.map { events in { @Sendable (event: String, n: UInt64) in events(name, event, n) } }
        let (vtable, host) = try library.instantiate(HostServices(logger: tagged, clock: clock, count: count))
        self.name = name
        self.library = library
        self.host = host
        self.vtable = vtable
        errorBuffer = .allocate(capacity: 1024)
        let v = vtable.pointee
        declaredName = String(v.name)
        declaredVersion = String(v.version)
        abiMajor = v.abi_major
        abiMinor = v.abi_minor
        structSize = v.struct_size
    }

    deinit {
        vtable.pointee.destroy(vtable)
        HostServices.release(host)
        errorBuffer.deallocate()
    }

    /// Where the counts of backends go (ABI 1.3 `count`): the instance's name, the event's
    /// name (checked: 1 to 32 of `[a-z0-9_]`, at most 16 per instance), and how many.
    public typealias BackendEvents = @Sendable (_ backend: String, _ event: String, _ n: UInt64) -> Void

    /// Runs one ABI call under the instance lock with an error buffer.
    func call(_ operation: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(BackendCallError) {
        let (status, message) = lock.withLock { _ -> (Int32, String) in
            errorBuffer[0] = 0
            let status = body(errorBuffer, 1024)
            guard status != WARDEN_OK else { return (status, "") }
            errorBuffer[1023] = 0  // a backend that ignored err_len still ends here
            return (status, String(cString: errorBuffer))
        }
        guard status == WARDEN_OK else {
            throw BackendCallError(backend: name, operation: operation, status: status, message: message)
        }
    }

    /// `init` with the config map.
    public func configure(_ config: [String: String]) throws(BackendCallError) {
        let pairs = config.sorted { $0.key < $1.key }
        let keys = pairs.map { Array($0.key.utf8) }, values = pairs.map { Array($0.value.utf8) }
        try call("init") { err, len in
            withStrings(keys + values) { strs in
                let items = (0..<pairs.count).map { warden_kv_t(key: strs[$0], value: strs[pairs.count + $0]) }
                return items.withUnsafeBufferPointer { buffer in
                    vtable.pointee.`init`(vtable, warden_map_t(items: buffer.baseAddress, count: buffer.count), err, len)
                }
            }
        }
    }

    /// `insert` of one signal.
    public func insert(_ signal: SignalOrder) throws(BackendCallError) {
        try insert(signal, alteringBans: nil)
    }

    /// `insert` of `signal` with each encoded ban (and its index) passed through `alter`
    /// first. Lets the conformance suite send what the host never makes (an unknown
    /// scope, an empty target) to check that a backend refuses the whole signal.
    public func insert(
        _ signal: SignalOrder, alteringBans alter: ((Int, inout warden_ban_t) -> Void)?
    ) throws(BackendCallError) {
        try call("insert") { err, len in
            encoder.withSignal(signal, alteringBans: alter) { vtable.pointee.insert(vtable, $0, err, len) }
        }
    }

    /// `read_at`: every ban active at `at`, tagged with this backend's name.
    /// - Throws: ``BackendCallError``, also when a row is smaller than ABI 1.0's.
    public func read(at: Int64) throws(BackendCallError) -> [Ban] {
        var bans: [Ban] = []
        try read(at: at) { bans.append($0); return true }
        return bans
    }

    /// `read_at`, one ban at a time: `visit` returns false to make the backend stop
    /// (rows come newest first, so a caller that wants the newest N stops early).
    /// - Throws: ``BackendCallError``, also when the backend returns a row smaller than
    ///   ABI 1.0's (`warden_backend.h`, VERSIONING).
    public func read(at: Int64, visit: (Ban) -> Bool) throws(BackendCallError) {
        try withoutActuallyEscaping(visit) { visit throws(BackendCallError) in
            let collector = RowCollector(backend: name, visit: visit)
            try call("read_at") { err, len in
                vtable.pointee.read_at(vtable, at, { context, row in
                    Unmanaged<RowCollector>.fromOpaque(context!).takeUnretainedValue().append(row!)
                }, Unmanaged.passUnretained(collector).toOpaque(), err, len)
            }
            if let size = collector.refusedSize {
                throw BackendCallError(
                    backend: name, operation: "read_at", status: WARDEN_E_ABI,
                    message: "it returned a row of \(size) bytes; ABI 1.0 rows are at least \(WARDEN_BAN_ROW_V1_0_SIZE) "
                        + "bytes; rebuild it against warden_backend.h 1.x")
            }
        }
    }

    /// `delete_target`: removes the live ban of `target`; returns how many.
    public func delete(target: String) throws(BackendCallError) -> Int {
        var deleted: UInt64 = 0
        let bytes = Array(target.utf8)
        try call("delete_target") { err, len in
            withStrings([bytes]) { vtable.pointee.delete_target(vtable, $0[0], &deleted, err, len) }
        }
        return Int(deleted)
    }

    /// `delete_all`: removes every live ban; returns how many.
    public func deleteAll() throws(BackendCallError) -> Int {
        var deleted: UInt64 = 0
        try call("delete_all") { err, len in vtable.pointee.delete_all(vtable, &deleted, err, len) }
        return Int(deleted)
    }

    public func flush() throws(BackendCallError) {
        try call("flush") { err, len in vtable.pointee.flush(vtable, err, len) }
    }

    public func startAutoCommit() throws(BackendCallError) {
        try call("start_auto_commit") { err, len in vtable.pointee.start_auto_commit(vtable, err, len) }
    }

    public func shutdown() throws(BackendCallError) {
        try call("shutdown") { err, len in vtable.pointee.shutdown(vtable, err, len) }
    }

    /// Whether the optional `get_extension` slot is present (within the declared size).
    public var hasGetExtension: Bool {
        Int(structSize) >= ABIVersion.minimumBackendSize && vtable.pointee.get_extension != nil
    }

    /// The extension struct for `id`, or nil when unsupported. Not under the instance's
    /// call lock: `get_extension` is thread-safe by the header, so asking whether a backend
    /// offers history never waits for a call it is stuck in.
    public func extensionTable(_ id: String) -> UnsafeRawPointer? {
        guard hasGetExtension else { return nil }
        return vtable.pointee.get_extension(vtable, id)
    }

    /// Extension ids this host knows and the backend supports.
    public var supportedExtensions: [String] {
        [WARDEN_EXT_MAINTENANCE, WARDEN_EXT_CHANGES, WARDEN_EXT_HISTORY, WARDEN_EXT_DOCUMENTS].filter { extensionTable($0) != nil }
    }

    /// The table of extension `id` read into this host's layout; nil when unsupported.
    /// - Throws: ``BackendCallError`` for `operation` when the table is smaller than `minimumSize`.
    func extensionTable<Table: BitwiseCopyable>(
        _ id: String, as type: Table.Type, minimumSize: Int, operation: String
    ) throws(BackendCallError) -> Table? {
        guard let raw = extensionTable(id) else { return nil }
        let size = Int(raw.load(as: UInt32.self))  // struct_size, the first member
        guard size >= minimumSize else {
            throw BackendCallError(
                backend: name, operation: operation, status: WARDEN_E_ABI,
                message: "its \(id) table is \(size) bytes; version 1 tables are at least "
                    + "\(minimumSize) bytes; rebuild it against warden_backend.h 1.x")
        }
        return loadVersioned(type, from: raw, stride: size)
    }

    /// Runs `warden.maintenance/1` at `now`; nil when the backend lacks it.
    /// - Throws: ``BackendCallError``, also when its table is smaller than version 1's.
    public func runMaintenance(now: Int64) throws(BackendCallError) -> (expired: Int, purged: Int)? {
        guard let table = try extensionTable(
            WARDEN_EXT_MAINTENANCE, as: warden_ext_maintenance_t.self,
            minimumSize: Int(WARDEN_EXT_MAINTENANCE_V1_SIZE), operation: "maintenance"),
            let run = table.run
        else { return nil }
        var expired: UInt64 = 0, purged: UInt64 = 0
        try call("maintenance") { err, len in run(vtable, now, &expired, &purged, err, len) }
        return (Int(expired), Int(purged))
    }
}

/// Borrows each byte array as a `warden_str_t` for the duration of `body`.
func withStrings<R>(_ arrays: [[UInt8]], _ body: ([warden_str_t]) -> R) -> R {
    let joined = arrays.flatMap { $0 }
    return joined.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { chars in
            var offset = 0
            let strs = arrays.map { array -> warden_str_t in
                defer { offset += array.count }
                return warden_str_t(ptr: chars.baseAddress.map { $0 + offset }, len: array.count)
            }
            return body(strs)
        }
    }
}

/// Hands rows from `read_at` to a visitor, each read within the size the backend
/// declared (`warden_backend.h`, VERSIONING); stops the stream at a row below ABI 1.0's.
private final class RowCollector {
    let backend: String
    let visit: (Ban) -> Bool
    /// The `struct_size` of the row that stopped the stream, if one did.
    var refusedSize: Int?

    init(backend: String, visit: @escaping (Ban) -> Bool) {
        self.backend = backend
        self.visit = visit
    }

    /// Takes one row; returns what the sink returns to the backend (0: go on, 1: stop).
    func append(_ row: UnsafePointer<warden_ban_row_t>) -> Int32 {
        let size = Int(row.pointee.struct_size)
        guard size >= WARDEN_BAN_ROW_V1_0_SIZE else {
            refusedSize = size
            return 1
        }
        return visit(Ban(row: row, size: size, backend: backend)) ? 0 : 1
    }
}

extension Ban {
    /// Copies a backend's row of `size` bytes (at least ABI 1.0's), read within that size.
    init(row: UnsafePointer<warden_ban_row_t>, size: Int, backend: String) {
        let r = loadVersioned(warden_ban_row_t.self, from: row, stride: size)
        self.init(
            id: r.id, scope: r.scope == WARDEN_SCOPE_RANGE ? "Range" : "Ip", target: String(r.target),
            origin: String(r.origin), action: String(r.action), reason: String(r.reason), scenario: String(r.scenario),
            country: String(r.country), asName: String(r.as_name), asNumber: r.as_number, untilNs: r.until_ns,
            createdNs: r.created_ns, banCount: r.ban_count, eventsCount: r.events_count, backend: backend)
    }
}
