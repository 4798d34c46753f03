import WardenTemplate

/// Notification formats as CrowdSec renders them: Go's `text/template` with sprig's
/// functions (WardenTemplate), the batch of alerts as the template's dot.
public struct GoTemplates: TemplateCompiler {
    public init() {}

    /// Parses `format`; a syntax error or an unknown function fails here, at load.
    public func compile(_ format: String) throws -> any AlertRenderer {
        GoTemplateRenderer(template: try Template(format))
    }
}

/// One parsed format, rendered over each batch.
struct GoTemplateRenderer: AlertRenderer {
    let template: Template

    func render(_ alerts: [NotifiedAlert]) throws -> String {
        try template.render(try CrowdSecAlert.list(json: "[" + alerts.map(\.json).joined(separator: ",") + "]"))
    }
}
