/// One notification, as a `notifications/*.yaml` document describes it: which plugin
/// delivers it, how its alerts are batched and retried, and what the plugin is told.
public struct NotificationConfig: Sendable {
    /// What profiles name in their `notifications` list; also the plugin's config key.
    public var name: String
    /// The plugin type (`http`, `slack`, ...): the binary `notification-<type>` or `<type>`.
    public var type: String
    /// The Go template the text is rendered from, as written.
    public var format: String
    /// Renders a batch of alerts with `format`; compiled when the file is loaded.
    public var renderer: any AlertRenderer
    /// Flush at this interval (CrowdSec's `group_wait`).
    public var groupWait: Duration?
    /// Flush once this many alerts are pending (CrowdSec's `group_threshold`).
    public var groupThreshold: Int?
    /// Attempts per batch, at least 1: `max_retry` counts attempts, as in CrowdSec 1.4.6.
    public var attempts: Int
    /// The deadline of each attempt (CrowdSec's `timeout`, 5 s unless set).
    public var timeout: Duration
    /// The document's text with `${VAR}` expanded: the plugin's `Configure` payload.
    public var pluginYAML: String
    /// The file and line the document starts on, for messages.
    public var file: String
    public var line: Int

    public init(
        name: String, type: String, format: String, renderer: any AlertRenderer, groupWait: Duration? = nil,
        groupThreshold: Int? = nil, attempts: Int = 1, timeout: Duration = .seconds(5), pluginYAML: String,
        file: String = "", line: Int = 1
    ) {
        self.name = name
        self.type = type
        self.format = format
        self.renderer = renderer
        self.groupWait = groupWait
        self.groupThreshold = groupThreshold
        self.attempts = max(1, attempts)
        self.timeout = timeout
        self.pluginYAML = pluginYAML
        self.file = file
        self.line = line
    }
}
