/// An expression compiled once against an environment, ready to run many times.
///
/// Compiling parses, checks every name, field, method and call against the
/// environment, and folds constants, so a profile's mistakes surface when it is
/// loaded, with expr's message and position:
///
/// ```swift
/// let program = try Program("Alert.GetScope() == 'Ip'", environment: env)
/// let verdict = try program.run(["Alert": alertValue])   // .bool(true)
/// ```
public struct Program: Sendable {
    public let source: String
    /// The type the checker gave the whole expression (`interface {}` when only run time can tell).
    public let type: ExprType
    private let root: Node
    private let environment: Environment

    /// Compiles `source`.
    /// - Throws: `ExprError` (phase `.compile`) for a syntax error, an unknown name,
    ///   a type mismatch or a constant division by zero.
    public init(_ source: String, environment: Environment) throws(ExprError) {
        let root = try Parser.parse(source)
        self.type = try Checker.check(root, in: environment, source: source)
        try Optimizer.optimize(root, source: source)
        self.source = source
        self.root = root
        self.environment = environment
    }

    /// Evaluates the expression with these variable values.
    /// - Throws: `ExprError` (phase `.run`) with Go's wording for what expr reports at run time.
    public func run(_ variables: [String: Value]) throws(ExprError) -> Value {
        var evaluator = Evaluator(environment: environment, variables: variables)
        do {
            return try evaluator.evaluate(root)
        } catch {
            throw ExprError(.run, error.message, at: error.location, in: source)
        }
    }
}
