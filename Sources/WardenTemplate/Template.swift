/// A Go `text/template` with sprig's functions, parsed once and rendered many
/// times, as CrowdSec renders a notification `format` over a batch of alerts.
///
/// ```swift
/// let format = try Template("{{range .}}{{.Source.Value}} {{.Scenario | upper}}\n{{end}}")
/// let text = try format.render(try CrowdSecAlert.list(json: alertsJSON))
/// ```
///
/// Parsing checks what Go checks at parse time (syntax, that functions exist,
/// that variables are declared), so a bad format fails when a configuration
/// is loaded; rendering fails as Go's does (unknown field, nil pointer, a
/// function's error), with Go's messages.
public struct Template: Sendable {
    /// The name errors carry: `template: NAME:1:5: ...`. CrowdSec names formats "".
    public let name: String
    let text: String
    let trees: [String: [Node]]
    let functions: [String: TemplateFunction]

    /// text/template's builtins, overridden by sprig's where both define a name (`slice`), as Go's FuncMap does.
    public static func defaultFunctions(environment: @escaping Sprig.Environment = Sprig.processEnvironment) -> [String: TemplateFunction] {
        Builtins.functions.merging(Sprig.functions(environment: environment)) { $1 }
    }

    /// Parses a template.
    ///
    /// - Parameters:
    ///   - text: the template text.
    ///   - name: the name Go's messages show; CrowdSec uses "".
    ///   - functions: the functions templates may call; by default text/template's
    ///     builtins and sprig's, with `env` reading the process environment.
    /// - Throws: ``TemplateError`` with Go's message and the line and column of the failure.
    public init(_ text: String, name: String = "", functions: [String: TemplateFunction] = Template.defaultFunctions()) throws(TemplateError) {
        self.name = name
        self.text = text
        self.functions = functions
        do {
            trees = try Parser.parse(name: name, text: text, functions: Set(functions.keys))
        } catch let failure as ParseFailure {
            throw TemplateError.parse(failure, name: name, text: text)
        } catch {
            throw TemplateError(message: "template: \(name): \(error)", line: 1, column: 0)
        }
    }

    /// Renders the template over `data` (the template's dot).
    ///
    /// - Throws: ``TemplateError`` with Go's execution message, e.g.
    ///   `template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type []*models.Alert`.
    public func render(_ data: TemplateValue) throws(TemplateError) -> String {
        let executor = Executor(template: self)
        do {
            try executor.run(data)
        } catch let failure as Executor.Failure {
            throw TemplateError(message: failure.message, line: nil, column: nil)
        } catch {
            throw TemplateError(message: "template: \(name): \(error)", line: nil, column: nil)
        }
        return executor.output
    }

    static func isEmpty(_ nodes: [Node]) -> Bool {
        nodes.allSatisfy { node in
            switch node {
            case .text(_, let s): return s.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            case .comment: return true
            default: return false
            }
        }
    }
}

/// A template that failed to parse or to render. `description` is Go's text,
/// byte for byte; `line` and `column` (1-based) locate a parse failure in the
/// text, for messages that point into a configuration file.
public struct TemplateError: Error, CustomStringConvertible, Equatable {
    /// Go's message, e.g. `template: :3: function "foo" not defined`.
    public let message: String
    /// Where a parse failure is: line and column (1-based) in the template text.
    public let line: Int?
    public let column: Int?

    public var description: String { message }

    static func parse(_ failure: ParseFailure, name: String, text: String) -> TemplateError {
        let bytes = Array(text.utf8)
        let pos = min(failure.pos, bytes.count)
        let lineStart = bytes[..<pos].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        var message = failure.message
        // Say "not implemented" rather than "not defined" for sprig's functions Warden lacks.
        if message.hasPrefix("function \""), message.hasSuffix("\" not defined") {
            let function = String(message.dropFirst("function \"".count).dropLast("\" not defined".count))
            if Sprig.allNames.contains(function) {
                message = "function \"\(function)\" is a sprig function that Warden does not implement yet; write the format without it"
            }
        }
        return TemplateError(message: "template: \(name):\(failure.line): \(message)", line: failure.line, column: pos - lineStart + 1)
    }
}
