import WardenModel

/// Why the engine did not do what it was asked, decided where the error is made, so
/// every front end answers it the same way (the API maps ``Kind`` to an HTTP status,
/// the CLI to an exit status).
public struct EngineError: WardenError, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The request cannot be done as asked (a filter, an alert, a target): nothing was
        /// written. CrowdSec's Local API answers these 500 with the message, and its
        /// clients expect exactly that.
        case refused
        /// The work failed (a backend, the storage) or must wait (another request holds
        /// the same alerts): the message says where it landed; sending it again is safe.
        case failed
    }

    public let kind: Kind
    /// The whole message: what failed, why, what to do.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var category: ErrorCategory { kind == .refused ? .badInput : .runtime }
    public var description: String { message }
}
