import WardenBasics
import CWardenBackend
import Glibc

/// Keys the host adds to every config map; never reported as unknown.
private let hostInjectedKeys: Set<String> = ["flush", "max_records", "max_records_age", "debug"]

/// Implements the ABI's `New` for a Swift backend type.
///
/// Export it from the backend's library with one function:
/// ```swift
/// @c(New) public func New(
///     host: UnsafePointer<warden_host_t>?, out: UnsafeMutablePointer<UnsafeMutablePointer<warden_backend_t>?>?,
///     err: UnsafeMutablePointer<CChar>?, errLen: Int
/// ) -> Int32 {
///     exportBackend(MyBackend.self, host: host, out: out, err: err, errLen: errLen)
/// }
/// ```
/// It checks the host's magic, ABI major and struct size, creates the instance and
/// returns a vtable whose slots catch every Swift error.
public func exportBackend<B: BanBackend>(
    _ type: B.Type, host: UnsafePointer<warden_host_t>?,
    out: UnsafeMutablePointer<UnsafeMutablePointer<warden_backend_t>?>?,
    err: UnsafeMutablePointer<CChar>?, errLen: Int
) -> Int32 {
    out?.pointee = nil
    guard let host, let out else {
        writeMessage("New: host or out is NULL; the host must pass both", into: err, capacity: errLen)
        return WARDEN_E_INVALID
    }
    // Member by member: the whole struct may be smaller than this SDK's until its size is checked.
    guard host.pointee.magic == WARDEN_ABI_MAGIC else {
        writeMessage("\(B.name): the host struct has bad magic; this host does not speak the Warden ABI",
                     into: err, capacity: errLen)
        return WARDEN_E_ABI
    }
    let major = host.pointee.abi_major, minor = host.pointee.abi_minor, size = Int(host.pointee.struct_size)
    guard major == WARDEN_ABI_VERSION_MAJOR else {
        writeMessage("\(B.name): the host speaks ABI \(major).\(minor) but this backend implements "
                     + "\(WARDEN_ABI_VERSION_MAJOR).\(WARDEN_ABI_VERSION_MINOR); rebuild it against the host's "
                     + "warden_backend.h", into: err, capacity: errLen)
        return WARDEN_E_ABI
    }
    guard size >= WARDEN_HOST_V1_0_SIZE else {
        writeMessage("\(B.name): the host passed a warden_host_t of \(size) bytes; ABI 1.0 hosts pass at least "
                     + "\(WARDEN_HOST_V1_0_SIZE) bytes; rebuild the host against warden_backend.h 1.x",
                     into: err, capacity: errLen)
        return WARDEN_E_ABI
    }
    let services = BackendHost(raw: host)
    let box = Instance(
        backend: B(host: services), host: services, offersMaintenance: B.offersMaintenance,
        offersChanges: B.offersChanges, offersHistory: B.offersHistory, offersSignalIDs: B.offersSignalIDs,
        offersDocuments: B.offersDocuments)
    let vtable = UnsafeMutablePointer<warden_backend_t>.allocate(capacity: 1)
    vtable.initialize(to: warden_backend_t(
        magic: WARDEN_ABI_MAGIC, struct_size: UInt32(MemoryLayout<warden_backend_t>.size),
        abi_major: WARDEN_ABI_VERSION_MAJOR, abi_minor: WARDEN_ABI_VERSION_MINOR,
        name: StaticStrings.intern(B.name), version: StaticStrings.intern(B.version),
        backend_data: Unmanaged.passRetained(box).toOpaque(),
        init: initSlot, insert: insertSlot, read_at: readAtSlot, delete_target: deleteTargetSlot,
        delete_all: deleteAllSlot, flush: flushSlot, start_auto_commit: startAutoCommitSlot,
        shutdown: shutdownSlot, destroy: destroySlot, get_extension: getExtensionSlot))
    out.pointee = vtable
    return WARDEN_OK
}

/// What `backend_data` points to: the Swift instance and its bookkeeping.
private final class Instance {
    let backend: any BanBackend
    let host: BackendHost
    let offersMaintenance: Bool
    let offersChanges: Bool
    let offersHistory: Bool
    let offersSignalIDs: Bool
    let offersDocuments: Bool
    var isShutDown = false

    init(
        backend: any BanBackend, host: BackendHost, offersMaintenance: Bool, offersChanges: Bool, offersHistory: Bool,
        offersSignalIDs: Bool, offersDocuments: Bool
    ) {
        self.backend = backend
        self.host = host
        self.offersMaintenance = offersMaintenance
        self.offersChanges = offersChanges
        self.offersHistory = offersHistory
        self.offersSignalIDs = offersSignalIDs
        self.offersDocuments = offersDocuments
    }

    static func from(_ vtable: UnsafeMutablePointer<warden_backend_t>?) -> Instance {
        Unmanaged<Instance>.fromOpaque(vtable!.pointee.backend_data).takeUnretainedValue()
    }
}

/// Runs `body`, turning a thrown error into a status code and a message.
private func guarded(_ err: UnsafeMutablePointer<CChar>?, _ errLen: Int, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return WARDEN_OK
    } catch let error as BackendError {
        writeMessage(error.message, into: err, capacity: errLen)
        return error.status.rawValue
    } catch {
        writeMessage("\(error)", into: err, capacity: errLen)
        return WARDEN_E_INTERNAL
    }
}

private let initSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, warden_map_t, UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, map, err, errLen in
    guarded(err, errLen) {
        var values: [String: String] = [:]
        for i in 0..<map.count {
            values[String(map.items[i].key)] = String(map.items[i].value)
        }
        let instance = Instance.from(vtable)
        let config = BackendConfig(values)
        try instance.backend.configure(config)
        let unknown = config.unreadKeys.filter { !hostInjectedKeys.contains($0) }
        if !unknown.isEmpty {
            instance.host.log(.warning, "ignoring unknown config key(s): \(unknown.joined(separator: ", "))")
        }
    }
}

private let insertSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, UnsafePointer<warden_signal_t>?, UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, signal, err, errLen in
    guarded(err, errLen) {
        let signal = try RawSignal(checking: signal)
        try signal.checkBans()
        try Instance.from(vtable).backend.insert(raw: signal)
    }
}

private let readAtSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, Int64, warden_row_sink_fn?, UnsafeMutableRawPointer?,
    UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, at, sink, context, err, errLen in
    guarded(err, errLen) {
        guard let sink else { throw BackendError(.invalid, "read_at: the sink is NULL") }
        try Instance.from(vtable).backend.read(at: at) { sink(context, $0) == 0 }
    }
}

private let deleteTargetSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, warden_str_t, UnsafeMutablePointer<UInt64>?,
    UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, target, deleted, err, errLen in
    guarded(err, errLen) {
        let text = String(target)
        guard !text.isEmpty else { throw BackendError(.invalid, "delete: no target provided") }
        let count = try Instance.from(vtable).backend.delete(target: text)
        deleted?.pointee = UInt64(count)
    }
}

private let deleteAllSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, deleted, err, errLen in
    guarded(err, errLen) {
        let count = try Instance.from(vtable).backend.deleteAll()
        deleted?.pointee = UInt64(count)
    }
}

private let flushSlot: @convention(c) (UnsafeMutablePointer<warden_backend_t>?, UnsafeMutablePointer<CChar>?, Int)
    -> Int32 = { vtable, err, errLen in
        guarded(err, errLen) { try Instance.from(vtable).backend.flush() }
    }

private let startAutoCommitSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, err, errLen in
    guarded(err, errLen) { try Instance.from(vtable).backend.startAutoCommit() }
}

private let shutdownSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, err, errLen in
    guarded(err, errLen) {
        let instance = Instance.from(vtable)
        guard !instance.isShutDown else { return }
        instance.isShutDown = true
        try instance.backend.shutdown()
    }
}

private let destroySlot: @convention(c) (UnsafeMutablePointer<warden_backend_t>?) -> Void = { vtable in
    guard let vtable else { return }
    let instance = Instance.from(vtable)
    if !instance.isShutDown {
        instance.isShutDown = true
        try? instance.backend.shutdown()
    }
    Unmanaged<Instance>.fromOpaque(vtable.pointee.backend_data).release()
    vtable.deinitialize(count: 1)
    vtable.deallocate()
}

private let getExtensionSlot: @convention(c) (UnsafeMutablePointer<warden_backend_t>?, UnsafePointer<CChar>?)
    -> UnsafeRawPointer? = { vtable, id in
        guard let id else { return nil }
        let instance = Instance.from(vtable)
        if strcmp(id, WARDEN_EXT_MAINTENANCE) == 0, instance.offersMaintenance {
            return UnsafeRawPointer(maintenanceExtension)
        }
        if strcmp(id, WARDEN_EXT_CHANGES) == 0, instance.offersChanges {
            return UnsafeRawPointer(changesExtension)
        }
        if strcmp(id, WARDEN_EXT_HISTORY) == 0, instance.offersHistory {
            return UnsafeRawPointer(instance.offersSignalIDs ? historyExtensionWithIDs : historyExtension)
        }
        if strcmp(id, WARDEN_EXT_DOCUMENTS) == 0, instance.offersDocuments {
            return UnsafeRawPointer(documentsExtension)
        }
        return nil
    }

/// The one `warden.maintenance/1` table, shared by every Swift backend of this library.
private nonisolated(unsafe) let maintenanceExtension: UnsafeMutablePointer<warden_ext_maintenance_t> = {
    let table = UnsafeMutablePointer<warden_ext_maintenance_t>.allocate(capacity: 1)
    table.initialize(to: warden_ext_maintenance_t(
        struct_size: UInt32(MemoryLayout<warden_ext_maintenance_t>.size), reserved: 0,
        run: { vtable, now, expired, purged, err, errLen in
            guarded(err, errLen) {
                let report = try Instance.from(vtable).backend.runMaintenance(now: now)
                expired?.pointee = UInt64(report.expired)
                purged?.pointee = UInt64(report.purged)
            }
        }))
    return table
}()

/// The one `warden.changes/1` table, shared by every Swift backend of this library.
private nonisolated(unsafe) let changesExtension: UnsafeMutablePointer<warden_ext_changes_t> = {
    let table = UnsafeMutablePointer<warden_ext_changes_t>.allocate(capacity: 1)
    table.initialize(to: warden_ext_changes_t(
        struct_size: UInt32(MemoryLayout<warden_ext_changes_t>.size), reserved: 0,
        changes_since: { vtable, cursor, next, sink, context, err, errLen in
            guarded(err, errLen) {
                guard let sink, let next else {
                    throw BackendError(.invalid, "changes_since: the sink or next_cursor is NULL; the host must pass both")
                }
                guard cursor >= 0 else {
                    throw BackendError(
                        .invalid, "changes_since: cursor \(cursor) is negative; pass 0 or a cursor this storage returned")
                }
                next.pointee = try Instance.from(vtable).backend.changes(since: cursor) { sink(context, $0) == 0 }
            }
        }))
    return table
}()

/// The `warden.history/1` table of the Swift backends of this library without
/// ``BanBackend/offersSignalIDs`` (`insert_signal` NULL), and of those with it.
private nonisolated(unsafe) let historyExtension = makeHistoryTable(insertSignal: nil)
private nonisolated(unsafe) let historyExtensionWithIDs = makeHistoryTable(insertSignal: insertSignalSlot)

private let insertSignalSlot: @convention(c) (
    UnsafeMutablePointer<warden_backend_t>?, UnsafePointer<warden_signal_t>?, UnsafeMutablePointer<Int64>?,
    UnsafeMutablePointer<CChar>?, Int
) -> Int32 = { vtable, signal, signalID, err, errLen in
    guarded(err, errLen) {
        guard let signalID else { throw BackendError(.invalid, "insert_signal: signal_id is NULL; the host must pass one") }
        let signal = try RawSignal(checking: signal)
        try signal.checkBans()
        signalID.pointee = try Instance.from(vtable).backend.insertReturningID(raw: signal)
    }
}

private func makeHistoryTable(
    insertSignal: (@convention(c) (
        UnsafeMutablePointer<warden_backend_t>?, UnsafePointer<warden_signal_t>?, UnsafeMutablePointer<Int64>?,
        UnsafeMutablePointer<CChar>?, Int
    ) -> Int32)?
) -> UnsafeMutablePointer<warden_ext_history_t> {
    let table = UnsafeMutablePointer<warden_ext_history_t>.allocate(capacity: 1)
    table.initialize(to: warden_ext_history_t(
        struct_size: UInt32(MemoryLayout<warden_ext_history_t>.size), reserved: 0,
        target_history: { vtable, query, out, err, errLen in
            guarded(err, errLen) {
                let query = try HistoryQuery(checking: query)
                guard out != nil else { throw BackendError(.invalid, "target_history: out is NULL; the host must pass one") }
                try Instance.from(vtable).backend.targetHistory(query).write(to: out)
            }
        },
        read_signals: { vtable, query, sink, context, err, errLen in
            guarded(err, errLen) {
                let selection = try SignalSelection(checking: query)
                guard let sink else { throw BackendError(.invalid, "read_signals: the sink is NULL; the host must pass one") }
                try Instance.from(vtable).backend.readSignals(selection) { sink(context, $0) == 0 }
            }
        },
        delete_signal: { vtable, id, deleted, err, errLen in
            guarded(err, errLen) {
                guard id > 0 else { throw BackendError(.invalid, "delete_signal: signal id \(id) is not > 0; pass an id read_signals listed") }
                let count = try Instance.from(vtable).backend.deleteSignal(id: id)
                deleted?.pointee = UInt64(count)
            }
        },
        delete_ban: { vtable, id, deleted, err, errLen in
            guarded(err, errLen) {
                guard id > 0 else { throw BackendError(.invalid, "delete_ban: ban id \(id) is not > 0; pass an id read_signals listed") }
                let count = try Instance.from(vtable).backend.deleteBan(id: id)
                deleted?.pointee = UInt64(count)
            }
        },
        insert_signal: insertSignal))
    return table
}

/// The one `warden.documents/1` table, shared by every Swift backend of this library.
/// Its slots check every argument (see ``DocumentArguments``) before the backend sees it.
private nonisolated(unsafe) let documentsExtension: UnsafeMutablePointer<warden_ext_documents_t> = {
    let table = UnsafeMutablePointer<warden_ext_documents_t>.allocate(capacity: 1)
    table.initialize(to: warden_ext_documents_t(
        struct_size: UInt32(MemoryLayout<warden_ext_documents_t>.size), reserved: 0,
        document_version: { vtable, name, version, err, errLen in
            guarded(err, errLen) {
                let name = try DocumentArguments.name(name, operation: "document_version")
                guard let version else { throw BackendError(.invalid, "document_version: version is NULL; the host must pass one") }
                version.pointee = try Instance.from(vtable).backend.documentVersion(name: name)
            }
        },
        read_document: { vtable, name, version, sink, context, err, errLen in
            guarded(err, errLen) {
                let name = try DocumentArguments.name(name, operation: "read_document")
                guard let version, let sink else {
                    throw BackendError(.invalid, "read_document: version or sink is NULL; the host must pass both")
                }
                guard let document = try Instance.from(vtable).backend.readDocument(name: name) else {
                    version.pointee = 0
                    return
                }
                version.pointee = document.version
                document.bytes.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { sink(context, warden_str_t(ptr: $0.baseAddress, len: $0.count)) }
                }
            }
        },
        write_document: { vtable, name, text, expected, version, err, errLen in
            guarded(err, errLen) {
                let name = try DocumentArguments.name(name, operation: "write_document")
                let bytes = try DocumentArguments.text(text, name: name)
                let expected = try DocumentArguments.expectedVersion(expected, name: name)
                guard let version else { throw BackendError(.invalid, "write_document: version is NULL; the host must pass one") }
                let backend = Instance.from(vtable).backend
                guard let written = try backend.writeDocument(name: name, text: bytes, expectedVersion: expected) else {
                    let now = (try? backend.documentVersion(name: name)).map { "now \($0)" } ?? "now unknown"
                    throw BackendError(
                        .conflict, "write_document: document '\(name)' changed since version \(expected) (\(now)); "
                            + "read it again and redo the change")
                }
                version.pointee = written
            }
        }))
    return table
}()
