import WardenModel

/// Why a bouncer key operation failed.
public struct BouncerError: WardenError, Equatable {
    public var description: String
    public var category: ErrorCategory

    init(_ category: ErrorCategory, _ description: String) {
        self.category = category
        self.description = description
    }
}
