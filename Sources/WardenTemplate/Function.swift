/// A function a template can call: its parameters, checked and converted as
/// Go's reflection-based call does, and its body.
public struct TemplateFunction: Sendable {
    /// One parameter of a function.
    public enum Parameter: Sendable {
        /// Go's `reflect.Value` parameter of the builtins: any value, as it is, even a missing one.
        case value
        /// A typed parameter: arguments are checked against the type, pointers followed once.
        case typed(GoType)
    }

    let parameters: [Parameter]
    /// The element of a final `...T` parameter; nil when the function is not variadic.
    let variadic: Parameter?
    let body: @Sendable ([TemplateValue]) throws -> TemplateValue

    /// A function of fixed parameters, optionally with a variadic tail.
    public init(_ parameters: [Parameter], variadic: Parameter? = nil, _ body: @escaping @Sendable ([TemplateValue]) throws -> TemplateValue) {
        self.parameters = parameters
        self.variadic = variadic
        self.body = body
    }

    /// A function whose parameters are all typed.
    public init(_ types: [GoType], variadic: GoType? = nil, _ body: @escaping @Sendable ([TemplateValue]) throws -> TemplateValue) {
        self.init(types.map { .typed($0) }, variadic: variadic.map { .typed($0) }, body)
    }
}

/// An error a function returns; text/template reports it as
/// "error calling NAME: MESSAGE".
public struct FunctionError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
