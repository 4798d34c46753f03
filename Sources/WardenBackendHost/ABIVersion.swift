import CWardenBackend

/// The ABI this host speaks (from `warden_backend.h`).
public enum ABIVersion {
    public static let major = WARDEN_ABI_VERSION_MAJOR
    public static let minor = WARDEN_ABI_VERSION_MINOR
    /// The lowest minor this host loads: 1.2 made bans stack (see THE ONE EXCEPTION in the header).
    public static let minimumMinor = WARDEN_ABI_MINIMUM_MINOR
    /// The smallest `warden_backend_t` a 1.x backend may declare.
    public static let minimumBackendSize = WARDEN_BACKEND_V1_0_SIZE
}
