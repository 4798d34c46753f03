/// One token of an expression, with expr's five kinds (the parser matches
/// operators and brackets by their text, as expr does).
struct Token: Equatable, Sendable {
    enum Kind: String, Sendable {
        case identifier = "Identifier"
        case number = "Number"
        case string = "String"
        case `operator` = "Operator"
        case bracket = "Bracket"
        case eof = "EOF"
    }

    var kind: Kind
    var value: String
    var location: SourceLocation

    func `is`(_ kind: Kind, _ values: String...) -> Bool {
        self.kind == kind && (values.isEmpty || values.contains(value))
    }

    /// How expr names a token in "unexpected token" messages: `Operator("+")`, `EOF`.
    var goDescription: String {
        value.isEmpty ? kind.rawValue : "\(kind.rawValue)(\(GoFormat.quote(value)))"
    }
}
