/// One decision of an import file, as written: the fields `cscli decisions import`
/// reads, each nil when the row leaves it out or empty. `origin` is read by cscli but
/// always replaced with `cscli-import`, so it is not kept.
struct DecisionRow: Equatable {
    /// The 1-based line where the row starts (a CSV record, a JSON object).
    var line: Int
    var value: String?
    var duration: String?
    var reason: String?
    var scope: String?
    var type: String?

    init(line: Int, value: String? = nil, duration: String? = nil, reason: String? = nil, scope: String? = nil,
         type: String? = nil) {
        self.line = line
        self.value = value
        self.duration = duration
        self.reason = reason
        self.scope = scope
        self.type = type
    }

    /// The column and key names cscli reads, in its documented order.
    static let fieldNames = ["value", "duration", "reason", "scope", "type", "origin"]

    /// Sets the field called `name` (lowercase) to `text`; an empty text or an unknown
    /// name changes nothing, as in cscli.
    mutating func set(_ name: String, _ text: String) {
        guard !text.isEmpty else { return }
        switch name {
        case "value": value = text
        case "duration": duration = text
        case "reason": reason = text
        case "scope": scope = text
        case "type": type = text
        default: break
        }
    }
}

/// A row that cannot be imported, and why: `line 3: '300.1.1.1' is not …`.
struct RowProblem: Equatable {
    var line: Int
    var message: String
}

/// What an import file holds: its rows, and the rows already known to be malformed.
struct DecisionFile {
    var rows: [DecisionRow] = []
    var problems: [RowProblem] = []
}
