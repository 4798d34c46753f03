import WardenBasics

/// The ABI's status codes, shared with the host (see `WardenBasics.BackendStatus`).
public typealias BackendStatus = WardenBasics.BackendStatus

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
