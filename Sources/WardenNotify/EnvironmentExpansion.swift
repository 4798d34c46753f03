/// `${VAR}` in a notification file, replaced by the environment variable's value before
/// the plugin sees the text, as CrowdSec does. Only the braced form is expanded: a bare
/// `$` (a password, a regular expression) stays as written.
enum EnvironmentExpansion {
    /// A `${VAR}` whose variable is not set, with the 1-based line it is on.
    struct UnsetVariable: Error, Equatable {
        var name: String
        var line: Int
    }

    /// `text` with every `${NAME}` replaced by `lookup(NAME)`.
    /// - Throws: ``UnsetVariable`` for the first variable `lookup` does not know: a webhook
    ///   URL or a token sent as the literal `${SLACK_URL}` can never work, so it is refused
    ///   at load rather than failing at every alert. On a comment line (`#` first) an unset
    ///   variable stays as written: a commented-out header needs no variable.
    static func expand(_ text: String, lookup: (String) -> String?) throws(UnsetVariable) -> String {
        var output = ""
        var line = 1
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            let before = rest[..<dollar]
            line += before.count(where: { $0 == "\n" })
            output += before
            let afterDollar = rest[rest.index(after: dollar)...]
            guard afterDollar.first == "{", let close = afterDollar.firstIndex(of: "}"),
                  isVariableName(afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close])
            else {
                output.append("$")
                rest = afterDollar
                continue
            }
            let name = String(afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close])
            guard let value = lookup(name) else {
                let lineSoFar = output[(output.lastIndex(of: "\n").map { output.index(after: $0) } ?? output.startIndex)...]
                guard lineSoFar.drop(while: { $0 == " " || $0 == "\t" }).first == "#" else {
                    throw UnsetVariable(name: name, line: line)
                }
                output.append("$")
                rest = afterDollar
                continue
            }
            output += value
            rest = afterDollar[afterDollar.index(after: close)...]
        }
        return output + rest
    }

    private static func isVariableName(_ text: Substring) -> Bool {
        guard let first = text.first, first == "_" || first.isASCII && first.isLetter else { return false }
        return text.allSatisfy { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
