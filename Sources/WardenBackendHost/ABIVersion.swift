import CWardenBackend

/// The ABI this host speaks (from `warden_backend.h`).
public enum ABIVersion {
    public static let major = WARDEN_ABI_VERSION_MAJOR
    public static let minor = WARDEN_ABI_VERSION_MINOR
    /// The smallest `warden_backend_t` a 1.x backend may declare.
    public static let minimumBackendSize = MemoryLayout<warden_backend_t>.offset(of: \.get_extension)!
        + MemoryLayout<UnsafeRawPointer>.size
}
