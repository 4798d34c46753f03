import WardenBackendHost

/// A runtime failure of the ban store: the CLI prints it and exits with 1.
public struct BanStoreError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable {
        case noBackend(folder: String, discarded: Int)
        case backendsFailed([BackendCallError])
    }

    private let kind: Kind

    /// No backend could be loaded from `folder`.
    public static func noBackend(folder: String, discarded: Int) -> BanStoreError {
        BanStoreError(kind: .noBackend(folder: folder, discarded: discarded))
    }

    /// One or more backends returned an error.
    public static func backendsFailed(_ errors: [BackendCallError]) -> BanStoreError {
        BanStoreError(kind: .backendsFailed(errors))
    }

    public var description: String {
        switch kind {
        case .noBackend(let folder, 0):
            return "no backend loaded: \(folder) has no backend YAML file; add one (see README, 'Configuration')"
        case .noBackend(let folder, let discarded):
            return "no backend loaded: all \(discarded) backend(s) in \(folder) were discarded (see the warnings above); "
                + "fix them, then check with 'warden backends list'"
        case .backendsFailed(let errors):
            return errors.map(\.description).joined(separator: "\n")
        }
    }
}
