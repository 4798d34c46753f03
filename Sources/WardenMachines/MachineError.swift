import WardenModel

/// Why a machine (agent or `cscli`) operation failed.
public struct MachineError: WardenError, Equatable {
    public var description: String
    public var category: ErrorCategory
    /// Whether it failed because the name is registered already (LAPI answers that with 403).
    public var isNameTaken = false

    init(_ category: ErrorCategory, _ description: String, isNameTaken: Bool = false) {
        self.category = category
        self.description = description
        self.isNameTaken = isNameTaken
    }
}
