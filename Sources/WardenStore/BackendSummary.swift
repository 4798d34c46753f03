import WardenBackendHost

/// What a loaded backend declares about itself and what it offers, as the store
/// reports it to `warden backends list|check` and to the engine.
public struct BackendSummary: Sendable, Equatable {
    /// The configured name (`name:` of its YAML file), or the name given to a check.
    public var name: String
    /// The shared library it was loaded from.
    public var path: String
    /// The name and version the backend declares.
    public var declaredName: String
    public var declaredVersion: String
    /// The ABI version it declares, as `MAJOR.MINOR`.
    public var abi: String
    /// Bytes of `warden_backend_t` it declares.
    public var structSize: UInt32
    /// Whether it fills `get_extension`, and the extensions it offers.
    public var hasGetExtension: Bool
    public var extensions: [String]
    /// It keeps history (`warden.history/1`): signals read back, counts, ids.
    public var offersHistory: Bool
    /// It has a change feed (`warden.changes/1`).
    public var offersChanges: Bool

    /// The ABI version this host speaks, as `MAJOR.MINOR`.
    public static var hostABI: String { "\(ABIVersion.major).\(ABIVersion.minor)" }

    init(_ backend: LoadedBackend, path: String) {
        name = backend.name
        self.path = path
        declaredName = backend.declaredName
        declaredVersion = backend.declaredVersion
        abi = "\(backend.abiMajor).\(backend.abiMinor)"
        structSize = backend.structSize
        hasGetExtension = backend.hasGetExtension
        extensions = backend.supportedExtensions
        offersHistory = backend.offersHistory
        offersChanges = backend.offersChanges
    }
}
