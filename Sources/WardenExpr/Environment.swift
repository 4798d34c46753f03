/// What an expression may name: variables with their types (values come with
/// each run) and functions with their signatures and bodies. The checker rejects
/// any other name at compile time, as expr does with `expr.Env`.
public struct Environment: Sendable {
    public var variables: [String: ExprType]
    public var functions: [String: Function]

    public init(variables: [String: ExprType] = [:], functions: [String: Function] = [:]) {
        self.variables = variables
        self.functions = functions
    }

    func type(of name: String) -> ExprType? {
        if let function = functions[name] { return .function(function.signature) }
        return variables[name]
    }
}
