import WardenModel

/// The daemon cannot start as configured (a certificate, a key, an address).
public struct DaemonError: WardenError {
    public var description: String
    public var category: ErrorCategory { .badConfig }

    init(_ description: String) {
        self.description = description
    }
}
