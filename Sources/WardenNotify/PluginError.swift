import WardenModel

/// A notification plugin could not be found, trusted or started. Messages read
/// "what failed: why; what to do".
public struct PluginError: WardenError, Equatable {
    public var category: ErrorCategory
    public var message: String

    init(_ category: ErrorCategory, _ message: String) {
        self.category = category
        self.message = message
    }

    public var description: String { message }

    /// The environment variable that lets development builds skip the file checks, as for backends.
    public static let allowUnsafeVariable = "WARDEN_ALLOW_UNSAFE_PLUGINS"
}
