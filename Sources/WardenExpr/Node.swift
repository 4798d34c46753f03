/// A node of the syntax tree. A class, as in expr: the checker records each
/// node's type in place and the optimizer replaces subtrees; after `Program`
/// is built nothing changes it, so sharing it between threads is safe.
final class Node: @unchecked Sendable {
    indirect enum Kind {
        case null
        case identifier(String)
        case integer(Int64)
        case float(Double)
        case bool(Bool)
        case string(String)
        case unary(String, Node)
        case binary(String, Node, Node)
        /// `matches`; the regex is compiled once when the pattern is a literal.
        case matches(Node, Node, CompiledRegex?)
        case property(Node, String)
        case index(Node, Node)
        case slice(Node, from: Node?, to: Node?)
        case method(Node, String, [Node])
        case function(String, [Node])
        case builtin(String, [Node])
        case closure(Node)
        /// `#` (or a leading `.`) inside a closure: the current element.
        case pointer
        case conditional(Node, Node, Node)
        case array([Node])
        case map([(key: Node, value: Node)])
        /// A value the optimizer computed (folded arrays and ranges).
        case constant(Value)
        /// The right side of `x in [1, 2]` once folded: expr looks the needle up in a Go map.
        case intSet(Set<Int64>)
        /// The right side of `x in ["a", "b"]` once folded.
        case stringSet(Set<String>)
    }

    var kind: Kind
    var location: SourceLocation
    /// Set by the checker.
    var type: ExprType? = .interface
    /// The longest path from this node down to a leaf, itself included: how deep the
    /// checker, the optimizer and the evaluator recurse into it (see ``Parser/maxHeight``).
    let height: Int

    init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
        self.height = 1 + (Self.children(of: kind).map(\.height).max() ?? 0)
    }

    private static func children(of kind: Kind) -> [Node] {
        switch kind {
        case .null, .identifier, .integer, .float, .bool, .string, .pointer, .constant, .intSet, .stringSet: []
        case .unary(_, let a), .property(let a, _), .closure(let a): [a]
        case .binary(_, let a, let b), .matches(let a, let b, _), .index(let a, let b): [a, b]
        case .slice(let a, let from, let to): [a] + [from, to].compactMap { $0 }
        case .method(let a, _, let arguments): [a] + arguments
        case .function(_, let arguments), .builtin(_, let arguments), .array(let arguments): arguments
        case .conditional(let a, let b, let c): [a, b, c]
        case .map(let pairs): pairs.flatMap { [$0.key, $0.value] }
        }
    }
}
