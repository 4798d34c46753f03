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

    init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}
