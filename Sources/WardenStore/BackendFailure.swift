import WardenBackendHost
import WardenModel

/// One backend could not do what the store asked: which backend, which ABI call, the
/// status it returned and its own message. The store's own type, so nothing above the
/// store needs the loader to read a failure.
public struct BackendFailure: WardenError, Equatable {
    /// The instance's configured name.
    public var backend: String
    /// The ABI member or extension that failed (`insert`, `read_at`, `warden.history/1`, …).
    public var operation: String
    /// The status the backend returned (`WARDEN_E_*`).
    public var status: Int32
    /// The backend's own message.
    public var message: String
    /// The cursor given to the change feed is older than what the backend still keeps:
    /// read again from 0 (a snapshot).
    public let isStaleCursor: Bool
    /// The backend lacks `warden.history/1`, which the call needed.
    public let isHistoryUnsupported: Bool
    /// What the backend said, in the loader's words.
    public let description: String

    init(_ error: BackendCallError) {
        backend = error.backend
        operation = error.operation
        status = error.status
        message = error.message
        isStaleCursor = error.isStaleCursor
        isHistoryUnsupported = error.isHistoryUnsupported
        description = error.description
    }

    public var category: ErrorCategory { .runtime }
}
