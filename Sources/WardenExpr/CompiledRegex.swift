/// A `matches` pattern. Swift's Regex stands in for Go's RE2: the syntax profiles
/// use (classes, anchors, alternation, repetition, `(?i)`) means the same in both;
/// syntax errors are worded differently. Unchecked Sendable: the regex is never
/// mutated after compilation and matching only reads it.
struct CompiledRegex: @unchecked Sendable {
    struct Failure: Error {
        var message: String
    }

    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String) throws(Failure) {
        do {
            regex = try Regex(pattern)
        } catch {
            throw Failure(message: "error parsing regexp: \(error)")
        }
    }

    /// Whether the pattern matches anywhere in `text` (Go's MatchString is unanchored).
    func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}
