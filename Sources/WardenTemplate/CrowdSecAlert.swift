/// CrowdSec's alert model (`pkg/models` of CrowdSec 1.4.6) as notification
/// formats see it: Go field names for templates (`.Source.Value`, `.Scenario`,
/// `.Decisions`), json tags and `omitempty` for `toJson`, pointers where
/// CrowdSec has pointers (so `{{if .Scenario}}` and `eq` behave as in Go),
/// and the helper methods of `pkg/models/helpers.go` (`.GetMeta "key"`...).
public enum CrowdSecAlert {
    static let metaItem = GoStruct(name: "models.MetaItems0", fields: [
        GoField("Key", json: "key", omitEmpty: true, .string),
        GoField("Value", json: "value", omitEmpty: true, .string),
    ])

    /// `models.Meta`: `[]*models.MetaItems0`.
    static let meta = GoType.named("models.Meta", .slice(.pointer(.structure(metaItem))))

    private static func lookup(_ metaValue: TemplateValue?, _ key: String) -> TemplateValue {
        guard case .list(let items, _)? = metaValue else { return .string("") }
        for case .pointer(.object(let item)) in items where item["Key"]?.stringValue == key {
            return item["Value"] ?? .string("")
        }
        return .string("")
    }

    private static func deref(_ v: TemplateValue?) -> TemplateValue {
        guard let v else { return .string("") }
        if case .pointer(let inner) = v { return inner }
        return .string("")
    }

    static let event = GoStruct(
        name: "models.Event",
        fields: [
            GoField("Meta", json: "meta", meta),
            GoField("Timestamp", json: "timestamp", .pointer(.string)),
        ],
        methods: ["GetMeta": GoMethod(parameters: [.string]) { event, args in lookup(event["Meta"], args[0].stringValue) }]
    )

    static let decision = GoStruct(name: "models.Decision", fields: [
        GoField("Duration", json: "duration", .pointer(.string)),
        GoField("ID", json: "id", omitEmpty: true, .int64),
        GoField("Origin", json: "origin", .pointer(.string)),
        GoField("Scenario", json: "scenario", .pointer(.string)),
        GoField("Scope", json: "scope", .pointer(.string)),
        GoField("Simulated", json: "simulated", omitEmpty: true, .pointer(.bool)),
        GoField("Type", json: "type", .pointer(.string)),
        GoField("Until", json: "until", omitEmpty: true, .string),
        GoField("Value", json: "value", .pointer(.string)),
    ])

    static let source = GoStruct(
        name: "models.Source",
        fields: [
            GoField("AsName", json: "as_name", omitEmpty: true, .string),
            GoField("AsNumber", json: "as_number", omitEmpty: true, .string),
            GoField("Cn", json: "cn", omitEmpty: true, .string),
            GoField("IP", json: "ip", omitEmpty: true, .string),
            GoField("Latitude", json: "latitude", omitEmpty: true, .float32),
            GoField("Longitude", json: "longitude", omitEmpty: true, .float32),
            GoField("Range", json: "range", omitEmpty: true, .string),
            GoField("Scope", json: "scope", .pointer(.string)),
            GoField("Value", json: "value", .pointer(.string)),
        ],
        methods: [
            "GetValue": GoMethod { source, _ in deref(source["Value"]) },
            "GetScope": GoMethod { source, _ in deref(source["Scope"]) },
            "GetAsNumberName": GoMethod { source, _ in
                var text = ""
                let number = source["AsNumber"]?.stringValue ?? ""
                let name = source["AsName"]?.stringValue ?? ""
                if number != "0" { text += number }
                if !name.isEmpty { text += " " + name }
                return .string(text)
            },
        ]
    )

    /// `models.Alert`.
    public static let alert = GoStruct(
        name: "models.Alert",
        fields: [
            GoField("Capacity", json: "capacity", .pointer(.int32)),
            GoField("CreatedAt", json: "created_at", omitEmpty: true, .string),
            GoField("Decisions", json: "decisions", .slice(.pointer(.structure(decision)))),
            GoField("Events", json: "events", .slice(.pointer(.structure(event)))),
            GoField("EventsCount", json: "events_count", .pointer(.int32)),
            GoField("ID", json: "id", omitEmpty: true, .int64),
            GoField("Labels", json: "labels", .slice(.string)),
            GoField("Leakspeed", json: "leakspeed", .pointer(.string)),
            GoField("MachineID", json: "machine_id", omitEmpty: true, .string),
            GoField("Message", json: "message", .pointer(.string)),
            GoField("Meta", json: "meta", omitEmpty: true, meta),
            GoField("Remediation", json: "remediation", omitEmpty: true, .bool),
            GoField("Scenario", json: "scenario", .pointer(.string)),
            GoField("ScenarioHash", json: "scenario_hash", .pointer(.string)),
            GoField("ScenarioVersion", json: "scenario_version", .pointer(.string)),
            GoField("Simulated", json: "simulated", .pointer(.bool)),
            GoField("Source", json: "source", .pointer(.structure(source))),
            GoField("StartAt", json: "start_at", .pointer(.string)),
            GoField("StopAt", json: "stop_at", .pointer(.string)),
        ],
        methods: [
            "HasRemediation": GoMethod { _, _ in .bool(true) },
            "GetScope": GoMethod { alert, _ in try sourceField(alert, "Scope") },
            "GetValue": GoMethod { alert, _ in try sourceField(alert, "Value") },
            "GetScenario": GoMethod { alert, _ in deref(alert["Scenario"]) },
            "GetEventsCount": GoMethod { alert, _ in
                if case .pointer(let count)? = alert["EventsCount"] { return count }
                return .int(0, .int32)
            },
            "GetMeta": GoMethod(parameters: [.string]) { alert, args in lookup(alert["Meta"], args[0].stringValue) },
        ]
    )

    /// `a.Source.Scope` with Go's nil-pointer panic when Source is nil.
    private static func sourceField(_ alert: GoObject, _ name: String) throws -> TemplateValue {
        guard case .pointer(.object(let source))? = alert["Source"] else {
            throw FunctionError("runtime error: invalid memory address or nil pointer dereference")
        }
        return deref(source[name])
    }

    /// `[]*models.Alert`, the type of a notification format's dot.
    public static let listType = GoType.slice(.pointer(.structure(alert)))

    /// Decodes a JSON array of alerts (CrowdSec's wire format) into the
    /// `[]*models.Alert` a format renders over.
    ///
    /// - Throws: ``JSONReadError`` or ``JSONDecodeError``.
    public static func list(json: String) throws -> TemplateValue {
        try TemplateValue(json: json, as: listType)
    }
}
