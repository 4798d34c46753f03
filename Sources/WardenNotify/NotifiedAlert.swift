/// An alert handed to a notification: CrowdSec's `models.Alert` JSON (what the `http`
/// plugin posts with `{{.|toJson}}`) and the id it is logged by when it cannot be sent.
public struct NotifiedAlert: Sendable, Equatable {
    /// The alert's id in Warden, named in logs when a notification is dropped or given up.
    public var id: Int64
    /// The alert as compact `models.Alert` JSON.
    public var json: String

    public init(id: Int64, json: String) {
        self.id = id
        self.json = json
    }
}

/// Turns a batch of alerts into the text a plugin receives.
public protocol AlertRenderer: Sendable {
    /// The text for `alerts`, in the order they were enqueued.
    func render(_ alerts: [NotifiedAlert]) throws -> String
}

/// Compiles a notification's `format` into a renderer, once, when its file is loaded,
/// so a template error names the file instead of surfacing at the first alert.
public protocol TemplateCompiler: Sendable {
    func compile(_ format: String) throws -> any AlertRenderer
}
