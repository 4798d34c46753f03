import CWardenBackend

/// Warden's own version, shown by `warden --version` and logged by the daemon.
public enum WardenVersion {
    /// Semantic version of this release.
    public static let number = "0.2.0"
    /// `warden 0.2.0 (backend ABI 1.1)`
    public static var description: String {
        "warden \(number) (backend ABI \(WARDEN_ABI_VERSION_MAJOR).\(WARDEN_ABI_VERSION_MINOR))"
    }
}
