import WardenBackendHost

/// What one store operation did in each backend it asked: the values of those
/// that succeeded, in load order, and the errors of those that failed. A store
/// never hides a partial failure: callers say exactly where a write landed.
public struct BackendOutcomes<Value: Sendable>: Sendable {
    /// Backends that succeeded, with what each returned.
    public var succeeded: [(backend: String, value: Value)]
    /// Backends that failed, with their errors.
    public var failed: [BackendFailure]

    public init(succeeded: [(backend: String, value: Value)] = [], failed: [BackendFailure] = []) {
        self.succeeded = succeeded
        self.failed = failed
    }

    /// The names of the backends that succeeded.
    public var succeededNames: [String] { succeeded.map(\.backend) }

    /// Records what `backend` answered.
    mutating func record(_ result: Result<Value, BackendCallError>, from backend: String) {
        switch result {
        case .success(let value): succeeded.append((backend, value))
        case .failure(let error): failed.append(BackendFailure(error))
        }
    }
}

extension BackendOutcomes where Value == Int {
    /// The count every backend that succeeded agrees on, or nil when they differ
    /// (or when none succeeded).
    public var agreedCount: Int? {
        guard let first = succeeded.first?.value, succeeded.allSatisfy({ $0.value == first }) else { return nil }
        return first
    }
}
