import CWardenBackend
import Logging
import Synchronization
import WardenBasics

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

    private let vtable: UnsafeMutablePointer<warden_backend_t>
    private let host: UnsafeMutablePointer<warden_host_t>
    private let lock = Mutex(())
    private var encoder = SignalEncoder()
    /// The error buffer every call lends the backend (calls are serialized). Made once
    /// `New` succeeded: a throwing init never runs `deinit`, which frees it.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates an instance of `library` (calls `New`) without configuring it.
    /// - Throws: ``BackendLoadError`` when `New` fails or returns something malformed.
    public init(name: String, library: BackendLibrary, logger: Logger, clock: @escaping @Sendable () -> Int64)
        throws(BackendLoadError)
    {
        var tagged = logger
        tagged[metadataKey: "backend"] = "\(name)"
        let (vtable, host) = try library.instantiate(HostServices(logger: tagged, clock: clock))
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

    /// Runs one ABI call under the instance lock with an error buffer.
    private func call(_ operation: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(BackendCallError) {
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
        try call("insert") { err, len in
            encoder.withSignal(signal) { vtable.pointee.insert(vtable, $0, err, len) }
        }
    }

    /// `read_at`: every ban active at `at`, tagged with this backend's name.
    public func read(at: Int64) throws(BackendCallError) -> [Ban] {
        let collector = RowCollector(backend: name)
        try call("read_at") { err, len in
            vtable.pointee.read_at(vtable, at, { context, row in
                Unmanaged<RowCollector>.fromOpaque(context!).takeUnretainedValue().append(row!)
                return 0
            }, Unmanaged.passUnretained(collector).toOpaque(), err, len)
        }
        return collector.bans
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

    /// The extension struct for `id`, or nil when unsupported.
    public func extensionTable(_ id: String) -> UnsafeRawPointer? {
        guard hasGetExtension else { return nil }
        return lock.withLock { _ in vtable.pointee.get_extension(vtable, id) }
    }

    /// Extension ids this host knows and the backend supports.
    public var supportedExtensions: [String] {
        [WARDEN_EXT_MAINTENANCE].filter { extensionTable($0) != nil }
    }

    /// Runs `warden.maintenance/1` at `now`; nil when the backend lacks it.
    public func runMaintenance(now: Int64) throws(BackendCallError) -> (expired: Int, purged: Int)? {
        guard let raw = extensionTable(WARDEN_EXT_MAINTENANCE) else { return nil }
        let table = raw.assumingMemoryBound(to: warden_ext_maintenance_t.self)
        guard Int(table.pointee.struct_size) >= MemoryLayout<warden_ext_maintenance_t>.size,
              let run = table.pointee.run
        else { return nil }
        var expired: UInt64 = 0, purged: UInt64 = 0
        try call("maintenance") { err, len in run(vtable, now, &expired, &purged, err, len) }
        return (Int(expired), Int(purged))
    }
}

/// Borrows each byte array as a `warden_str_t` for the duration of `body`.
private func withStrings<R>(_ arrays: [[UInt8]], _ body: ([warden_str_t]) -> R) -> R {
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

/// Collects rows from `read_at`, copying each within the size the backend declared.
private final class RowCollector {
    let backend: String
    var bans: [Ban] = []

    init(backend: String) {
        self.backend = backend
    }

    func append(_ row: UnsafePointer<warden_ban_row_t>) {
        var r = warden_ban_row_t()
        let size = min(Int(row.pointee.struct_size), MemoryLayout<warden_ban_row_t>.size)
        withUnsafeMutableBytes(of: &r) { $0.copyMemory(from: UnsafeRawBufferPointer(start: row, count: size)) }
        bans.append(Ban(
            id: r.id, scope: r.scope == WARDEN_SCOPE_RANGE ? "Range" : "Ip", target: String(r.target),
            origin: String(r.origin), action: String(r.action), reason: String(r.reason), scenario: String(r.scenario),
            country: String(r.country), asName: String(r.as_name), asNumber: r.as_number, untilNs: r.until_ns,
            createdNs: r.created_ns, banCount: r.ban_count, eventsCount: r.events_count, backend: backend))
    }
}
