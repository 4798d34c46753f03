/// Bad input (an argument, a request parameter): the CLI prints the message and
/// exits with 64, the API answers 400. Nothing was written.
public struct InputError: WardenError, Equatable {
    public var category: ErrorCategory { .badInput }
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
