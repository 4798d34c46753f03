/// What kind of failure an error is, decided where the error is made, so every
/// front end maps it the same way: the CLI to an exit status (64 or 1), the API
/// to an HTTP status (400 or 500).
public enum ErrorCategory: Sendable, Equatable {
    /// The request is wrong (an address, a duration, a name): nothing was written.
    case badInput
    /// A configuration file is wrong: nothing was written.
    case badConfig
    /// The input was fine but the work failed (a backend, the storage, a plugin).
    case runtime
}

/// An error Warden reports to a person: its description is the whole message
/// ("what failed: why; what to do") and its category says how to answer it.
public protocol WardenError: Error, CustomStringConvertible, Sendable {
    var category: ErrorCategory { get }
}
