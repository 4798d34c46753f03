import WardenBasics

/// A call into a loaded backend returned an error status.
public struct BackendCallError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The instance's configured name.
    public var backend: String
    /// The ABI member that failed (`insert`, `read_at`, …).
    public var operation: String
    public var status: Int32
    /// The backend's own message.
    public var message: String

    public init(backend: String, operation: String, status: Int32, message: String) {
        self.backend = backend
        self.operation = operation
        self.status = status
        self.message = message
    }

    /// `backend "sqlite": insert failed (WARDEN_E_IO): disk I/O error …`, or, when
    /// the backend lacks an extension the call needed (the operation is then the
    /// extension's id, which no ABI member is called):
    /// `backend "x" does not support warden.history/1: …`.
    public var description: String {
        if operation.contains("/") && status == BackendStatus.unsupported.rawValue {
            return "backend \"\(backend)\" does not support \(operation): \(message)"
        }
        return "backend \"\(backend)\": \(operation) failed (\(BackendStatus.name(of: status))): \(message)"
    }
}
