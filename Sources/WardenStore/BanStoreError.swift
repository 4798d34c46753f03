import WardenModel

/// Why the ban store could not do what it was asked. Partial failures are not
/// errors: they come back in ``BackendOutcomes`` and ``BanListing``.
public struct BanStoreError: WardenError {
    private enum Kind: Sendable {
        case noBackend(folder: String, discarded: Int)
        case badInput(InputError)
        case shutDown
        case noHistory([BackendFailure])
    }

    private let kind: Kind

    /// No backend could be loaded from `folder`.
    public static func noBackend(folder: String, discarded: Int) -> BanStoreError {
        BanStoreError(kind: .noBackend(folder: folder, discarded: discarded))
    }

    /// The request names something the store does not have (a backend name).
    public static func badInput(_ error: InputError) -> BanStoreError {
        BanStoreError(kind: .badInput(error))
    }

    /// No backend could answer from its history (`warden.history/1`): each lacks it
    /// or failed, as `failed` says.
    public static func noHistory(_ failed: [BackendFailure]) -> BanStoreError {
        BanStoreError(kind: .noHistory(failed))
    }

    /// The store was shut down (the daemon is stopping); it takes no more calls.
    public static let shutDown = BanStoreError(kind: .shutDown)

    public var category: ErrorCategory {
        switch kind {
        case .noBackend, .shutDown, .noHistory: .runtime
        case .badInput: .badInput
        }
    }

    public var description: String {
        switch kind {
        case .noBackend(let folder, 0):
            return "no backend loaded: \(folder) has no backend YAML file; add one (see README, 'Configuration')"
        case .noBackend(let folder, let discarded):
            return "no backend loaded: all \(discarded) backend(s) in \(folder) were discarded (see the warnings above); "
                + "fix them, then check with 'warden backends list'"
        case .badInput(let error):
            return error.description
        case .noHistory(let failed) where failed.count == 1:
            return failed[0].description
        case .noHistory(let failed):
            return "no backend could answer from its history: " + failed.map(\.description).joined(separator: "; ")
        case .shutDown:
            return "the ban store is shut down: warden is stopping and takes no more changes; retry once it is back"
        }
    }
}
