import CWardenBackend
/// A storage backend for Warden, written in Swift.
///
/// Conform a final class to this protocol and export it as the library's `New`
/// symbol with one line (see ``exportBackend(_:host:out:err:errLen:)``). The SDK
/// turns each requirement into a slot of the C ABI (`warden_backend.h`), catches
/// every thrown error and turns it into a status code and message, so nothing
/// Swift crosses the boundary.
///
/// ## Implementation requirements
/// The contract is the one written in `warden_backend.h`; in short:
/// - ``insert(_:)``: all or nothing (the SDK refuses a bad scope or an empty target
///   before calling it). One live ban per target: a ban for a target that already
///   has a live ban replaces it; the older one ends at the new signal's `createdNs`,
///   becomes history and still counts in ``BanRow/banCount`` and
///   ``BanRow/eventsCount``. May buffer until ``flush()``, but reads and deletes on
///   the same instance see every earlier insert.
/// - ``read(at:into:)``: every ban active at the time, even a past one
///   (`createdNs <= at < untilNs`, not ended at or before `at`), one row per target,
///   newest first (descending id). Stop at once when the sink returns `false`.
/// - ``delete(target:)`` and ``deleteAll()``: end the bans live at the host's now
///   (``BackendHost/now()``), return how many, keep history.
/// - ``runMaintenance(now:)``: retention age counts from `createdNs`.
/// - ``changes(since:into:)`` (optional, `warden.changes/1`): every change after a
///   cursor kept in the storage, or a snapshot for cursor 0; see the header.
/// - ``targetHistory(_:)``, ``readSignals(_:into:)``, ``deleteSignal(id:)``,
///   ``deleteBan(id:)`` (optional, `warden.history/1`): counts and signals read back
///   with indexed queries, deletes by id that end bans as ``delete(target:)`` does.
/// - ``documentVersion(name:)``, ``readDocument(name:)``,
///   ``writeDocument(name:text:expectedVersion:)`` (optional, `warden.documents/1`):
///   named texts shared by every host on the storage, written by compare and swap
///   and committed at once, without the instance's buffered inserts.
/// - ``flush()``: make all earlier writes durable and visible to other instances.
/// - ``startAutoCommit()`` may start threads; ``shutdown()`` joins them and is
///   idempotent.
///
/// The host serializes calls per instance. Work on background threads must lock
/// what it shares with those calls. Every backend must pass
/// `WardenTesting.BackendConformance`.
public protocol BanBackend: AnyObject {
    /// Short name shown by `warden backends list`, e.g. `"sqlite"`.
    static var name: String { get }
    /// Version shown by `warden backends check`; name the toolchain it was built with.
    static var version: String { get }

    /// Creates an unconfigured instance. Keep it cheap: no I/O until ``configure(_:)``.
    init(host: BackendHost)

    /// Applies the `config:` map of the instance's YAML file (plus host-injected keys).
    /// - Throws: ``BackendError`` with status `.invalid` naming a missing or bad key.
    func configure(_ config: BackendConfig) throws

    /// Records one signal and every ban it carries.
    /// Implement this or ``insert(raw:)``.
    func insert(_ signal: Signal) throws

    /// Records a signal given as ABI structs, borrowed for the call and already checked
    /// against ABI 1.0's minimum sizes. The default copies it into a ``Signal`` and calls
    /// ``insert(_:)``; a backend that binds strings straight into storage overrides it.
    func insert(raw signal: RawSignal) throws

    /// Streams every ban active at `at` (ns since the epoch) to `sink`, one per target.
    /// Stops as soon as `sink` returns `false`. Implement this or ``read(at:rawSink:)``.
    func read(at: Int64, into sink: (BanRow) -> Bool) throws

    /// Streams active rows as ABI structs, each borrowed for its sink call. The default
    /// encodes the rows of ``read(at:into:)``; a backend can hand out its storage's
    /// own bytes instead.
    func read(at: Int64, rawSink sink: (UnsafePointer<warden_ban_row_t>) -> Bool) throws

    /// Removes the live ban of `target` (exact canonical text); returns how many were removed.
    func delete(target: String) throws -> Int

    /// Removes every live ban; returns how many were removed.
    func deleteAll() throws -> Int

    /// Makes every earlier write durable and visible to other instances.
    func flush() throws

    /// Starts periodic commit, expiry and retention. Calling it twice is harmless.
    func startAutoCommit() throws

    /// Commits what is pending, joins threads, releases the storage. Idempotent.
    func shutdown() throws

    /// Whether ``runMaintenance(now:)`` is implemented; the SDK then offers the
    /// `warden.maintenance/1` extension. Default: false.
    static var offersMaintenance: Bool { get }

    /// Commits pending inserts, expires bans ended at `now` (when the `flush` key is
    /// true) and applies retention, once, now. Returns what it did.
    func runMaintenance(now: Int64) throws -> MaintenanceReport

    /// Whether ``changes(since:into:)`` is implemented; the SDK then offers the
    /// `warden.changes/1` extension. Default: false.
    static var offersChanges: Bool { get }

    /// Commits this instance's pending writes, then reports to `sink` every ban live
    /// at the host's now (`cursor` 0, a snapshot) or every change after `cursor`, in
    /// order, stopping as soon as `sink` returns `false`. Returns the next cursor
    /// (`warden_backend.h`, warden.changes/1: what it is after a stop).
    /// - Throws: ``BackendError`` with status `.staleCursor` when the storage no longer
    ///   keeps every change after `cursor`, or never issued it.
    /// Implement this or ``changes(since:rawSink:)``.
    func changes(since cursor: Int64, into sink: (FeedChange) -> Bool) throws -> Int64

    /// The same, with each change laid out as the ABI's struct, borrowed for its sink
    /// call. The default encodes the changes of ``changes(since:into:)``.
    func changes(since cursor: Int64, rawSink sink: (UnsafePointer<warden_change_t>) -> Bool) throws -> Int64

    /// Whether the four `warden.history/1` members below are implemented; the SDK then
    /// offers the extension. Default: false.
    static var offersHistory: Bool { get }

    /// Counts the bans that contain the query's address or block (history included,
    /// deleted signals and purged bans not) and finds the live ones. Sees this
    /// instance's own pending writes.
    func targetHistory(_ query: HistoryQuery) throws -> HistoryCounts

    /// Streams the signals that `selection` selects, newest first (descending id), at
    /// most its limit, never a deleted one; stops as soon as `sink` returns `false`.
    /// Implement this or ``readSignals(_:rawSink:)``.
    func readSignals(_ selection: SignalSelection, into sink: (StoredSignal) -> Bool) throws

    /// The same, with each signal laid out as the ABI's record, borrowed for its sink
    /// call. The default encodes the signals of ``readSignals(_:into:)``.
    func readSignals(_ selection: SignalSelection, rawSink sink: (UnsafePointer<warden_signal_record_t>) -> Bool) throws

    /// Ends the live bans of signal `id` at the host's now (each a feed `ended` change)
    /// and hides the signal; returns 1, or 0 when there is no such signal left.
    func deleteSignal(id: Int64) throws -> Int

    /// Ends ban `id` if it is live at the host's now, as ``delete(target:)`` would;
    /// returns 1, or 0 when there is no such live ban.
    func deleteBan(id: Int64) throws -> Int

    /// Whether ``insertReturningID(raw:)`` is implemented (with ``offersHistory``); the SDK
    /// then fills `warden.history/1`'s `insert_signal` (ABI 1.1). Default: false.
    static var offersSignalIDs: Bool { get }

    /// Records `signal` as ``insert(raw:)`` does and returns the id it got: the id of its
    /// first ban, as ``readSignals(_:into:)`` lists it; 0 when it has no bans. A backend
    /// that learns ids only when it commits commits what is pending first.
    func insertReturningID(raw signal: RawSignal) throws -> Int64

    /// Whether the three `warden.documents/1` members below are implemented; the SDK then
    /// offers the extension. Default: false. The SDK checks names, texts and versions
    /// before it calls them.
    static var offersDocuments: Bool { get }

    /// The version of document `name` as stored now, 0 when it was never written.
    func documentVersion(name: String) throws -> Int64

    /// Document `name` as stored now: its text and the version of that text (> 0), or nil
    /// when it was never written.
    func readDocument(name: String) throws -> (bytes: [UInt8], version: Int64)?

    /// Stores `text` as document `name` if its stored version is `expectedVersion` (0: if
    /// it is absent), commits it, and returns the new version, `expectedVersion + 1`.
    /// Returns nil, writing nothing, when the stored version is another one (the SDK then
    /// answers `WARDEN_E_CONFLICT`). Never commits nor drops the instance's buffered inserts.
    func writeDocument(name: String, text: [UInt8], expectedVersion: Int64) throws -> Int64?
}

extension BanBackend {
    public static var offersMaintenance: Bool { false }

    public func runMaintenance(now: Int64) throws -> MaintenanceReport {
        throw BackendError(.unsupported, "\(Self.name): maintenance is not supported")
    }

    public static var offersChanges: Bool { false }

    public static var offersHistory: Bool { false }

    public func targetHistory(_ query: HistoryQuery) throws -> HistoryCounts {
        throw BackendError(.unsupported, "\(Self.name): warden.history/1 is not supported")
    }

    public func readSignals(_ selection: SignalSelection, into sink: (StoredSignal) -> Bool) throws {
        throw BackendError(.unsupported, "\(Self.name): implement readSignals(_:into:) or readSignals(_:rawSink:)")
    }

    public func readSignals(
        _ selection: SignalSelection, rawSink sink: (UnsafePointer<warden_signal_record_t>) -> Bool
    ) throws {
        var encoder = StoredSignalEncoder()
        var malformed: StoredSignal?
        try readSignals(selection) { stored in
            guard stored.banIDs.count == stored.signal.bans.count, stored.banEndedNs.count == stored.signal.bans.count else {
                malformed = stored
                return false
            }
            return encoder.withRecord(stored, sink)
        }
        if let malformed {
            throw BackendError(
                .internal, "\(Self.name): read_signals: signal \(malformed.id) has \(malformed.signal.bans.count) bans but "
                    + "\(malformed.banIDs.count) ids and \(malformed.banEndedNs.count) ends; report the bug to the backend's authors")
        }
    }

    public func deleteSignal(id: Int64) throws -> Int {
        throw BackendError(.unsupported, "\(Self.name): warden.history/1 is not supported")
    }

    public func deleteBan(id: Int64) throws -> Int {
        throw BackendError(.unsupported, "\(Self.name): warden.history/1 is not supported")
    }

    public static var offersSignalIDs: Bool { false }

    public func insertReturningID(raw signal: RawSignal) throws -> Int64 {
        throw BackendError(.unsupported, "\(Self.name): insert_signal is not supported")
    }

    public static var offersDocuments: Bool { false }

    public func documentVersion(name: String) throws -> Int64 {
        throw BackendError(.unsupported, "\(Self.name): warden.documents/1 is not supported")
    }

    public func readDocument(name: String) throws -> (bytes: [UInt8], version: Int64)? {
        throw BackendError(.unsupported, "\(Self.name): warden.documents/1 is not supported")
    }

    public func writeDocument(name: String, text: [UInt8], expectedVersion: Int64) throws -> Int64? {
        throw BackendError(.unsupported, "\(Self.name): warden.documents/1 is not supported")
    }

    public func changes(since cursor: Int64, into sink: (FeedChange) -> Bool) throws -> Int64 {
        throw BackendError(.unsupported, "\(Self.name): implement changes(since:into:) or changes(since:rawSink:)")
    }

    public func changes(since cursor: Int64, rawSink sink: (UnsafePointer<warden_change_t>) -> Bool) throws -> Int64 {
        var encoder = ChangeEncoder()
        return try changes(since: cursor) { change in encoder.withChange(change, sink) }
    }

    public func insert(_ signal: Signal) throws {
        throw BackendError(.unsupported, "\(Self.name): implement insert(_:) or insert(raw:)")
    }

    public func insert(raw signal: RawSignal) throws {
        try insert(Signal(signal))
    }

    public func read(at: Int64, into sink: (BanRow) -> Bool) throws {
        throw BackendError(.unsupported, "\(Self.name): implement read(at:into:) or read(at:rawSink:)")
    }

    public func read(at: Int64, rawSink sink: (UnsafePointer<warden_ban_row_t>) -> Bool) throws {
        var encoder = RowEncoder()
        try read(at: at) { row in encoder.withRow(row, sink) }
    }
}

extension warden_str_t {
    /// The string's bytes, borrowed like the string itself.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: ptr, count: ptr == nil ? 0 : len)
    }

    /// Whether both strings hold the same bytes.
    public func hasSameBytes(as other: warden_str_t) -> Bool {
        bytes.elementsEqual(other.bytes)
    }
}

/// What one round of maintenance did.
public struct MaintenanceReport: Sendable, Equatable {
    /// Bans marked as ended because their `until` had passed.
    public var expired: Int
    /// History records removed by `max_records` / `max_records_age`.
    public var purged: Int

    public init(expired: Int = 0, purged: Int = 0) {
        self.expired = expired
        self.purged = purged
    }
}
