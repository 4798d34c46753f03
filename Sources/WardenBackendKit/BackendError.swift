import CWardenBackend

/// The status codes of the ABI (`WARDEN_E_*`), for errors a backend throws.
public enum BackendStatus: Int32, Sendable {
    case invalid = 1
    case unsupported = 2
    case io = 3
    case busy = 4
    case abi = 5
    case `internal` = 6
}

/// An error a backend throws to the host: a status and a message written as
/// "what failed: why; what to do". Any other thrown error reaches the host as
/// `WARDEN_E_INTERNAL` with its description.
public struct BackendError: Error, CustomStringConvertible, Sendable {
    public var status: BackendStatus
    public var message: String

    public init(_ status: BackendStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}
