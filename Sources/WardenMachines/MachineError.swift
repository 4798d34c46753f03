import WardenModel

/// Why a machine (agent or `cscli`) operation failed.
public struct MachineError: WardenError, Equatable {
    public var description: String
    public var category: ErrorCategory

    init(_ category: ErrorCategory, _ description: String) {
        self.category = category
        self.description = description
    }
}
