import WardenAlerts
import WardenExpr

/// CrowdSec 1.4.6's `pkg/models` types as profile expressions see them: Go field
/// names and Go types (optional scalars are pointers, as in Go, so `Alert.Scenario`
/// is a `*string` and compares unequal to a string, exactly as in CrowdSec), and the
/// helper methods of `pkg/models/helpers.go`.
public enum AlertTypes {
    public static let metaItem = HostType(
        name: "models.MetaItems0", fields: [("Key", .string), ("Value", .string)], methods: [])
    public static let meta = ExprType.slice(.pointer(.object(metaItem)), name: "models.Meta")
    public static let event = HostType(
        name: "models.Event", fields: [("Meta", meta), ("Timestamp", .pointer(.string))],
        methods: [("GetMeta", Signature([.string], returns: .string))])
    public static let decision = HostType(
        name: "models.Decision",
        fields: [
            ("Duration", .pointer(.string)), ("ID", .int(.int64)), ("Origin", .pointer(.string)),
            ("Scenario", .pointer(.string)), ("Scope", .pointer(.string)), ("Simulated", .pointer(.bool)),
            ("Type", .pointer(.string)), ("Until", .string), ("Value", .pointer(.string)),
        ], methods: [])
    public static let source = HostType(
        name: "models.Source",
        fields: [
            ("AsName", .string), ("AsNumber", .string), ("Cn", .string), ("IP", .string),
            ("Latitude", .float(.float32)), ("Longitude", .float(.float32)), ("Range", .string),
            ("Scope", .pointer(.string)), ("Value", .pointer(.string)),
        ],
        methods: [
            ("GetAsNumberName", Signature([], returns: .string)), ("GetScope", Signature([], returns: .string)),
            ("GetValue", Signature([], returns: .string)),
        ])
    public static let alert = HostType(
        name: "models.Alert",
        fields: [
            ("Capacity", .pointer(.int(.int32))), ("CreatedAt", .string),
            ("Decisions", .slice(.pointer(.object(decision)))), ("Events", .slice(.pointer(.object(event)))),
            ("EventsCount", .pointer(.int(.int32))), ("ID", .int(.int64)), ("Labels", .slice(.string)),
            ("Leakspeed", .pointer(.string)), ("MachineID", .string), ("Message", .pointer(.string)),
            ("Meta", meta), ("Remediation", .bool), ("Scenario", .pointer(.string)),
            ("ScenarioHash", .pointer(.string)), ("ScenarioVersion", .pointer(.string)),
            ("Simulated", .pointer(.bool)), ("Source", .pointer(.object(source))), ("StartAt", .pointer(.string)),
            ("StopAt", .pointer(.string)),
        ],
        methods: [
            ("GetEventsCount", Signature([], returns: .int(.int32))),
            ("GetMeta", Signature([.string], returns: .string)), ("GetScenario", Signature([], returns: .string)),
            ("GetScope", Signature([], returns: .string)), ("GetValue", Signature([], returns: .string)),
            ("HasRemediation", Signature([], returns: .bool)),
        ])

    /// The value profiles bind to `Alert` (a `*models.Alert`), for running a program
    /// compiled against ``ProfileEnvironment``.
    public static func value(of alert: Alert) -> Value { AlertObject.value(alert) }
}
