import Foundation
import WardenExpr

/// CrowdSec 1.4.6's models as profiles see them (the oracle's models.go in Swift):
/// host types with Go's field names and types, decoded from the same JSON.
enum CrowdSecModels {
    static let metaItem = HostType(name: "models.MetaItems0", fields: [("Key", .string), ("Value", .string)], methods: [])
    static let meta = ExprType.slice(.pointer(.object(metaItem)), name: "models.Meta")
    static let event = HostType(
        name: "models.Event", fields: [("Meta", meta), ("Timestamp", .pointer(.string))],
        methods: [("GetMeta", Signature([.string], returns: .string))])
    static let decision = HostType(
        name: "models.Decision",
        fields: [
            ("Duration", .pointer(.string)), ("ID", .int(.int64)), ("Origin", .pointer(.string)),
            ("Scenario", .pointer(.string)), ("Scope", .pointer(.string)), ("Simulated", .pointer(.bool)),
            ("Type", .pointer(.string)), ("Until", .string), ("Value", .pointer(.string)),
        ], methods: [])
    static let source = HostType(
        name: "models.Source",
        fields: [
            ("AsName", .string), ("AsNumber", .string), ("Cn", .string), ("IP", .string), ("Latitude", .float(.float32)),
            ("Longitude", .float(.float32)), ("Range", .string), ("Scope", .pointer(.string)), ("Value", .pointer(.string)),
        ],
        methods: [
            ("GetAsNumberName", Signature([], returns: .string)), ("GetScope", Signature([], returns: .string)),
            ("GetValue", Signature([], returns: .string)),
        ])
    static let alert = HostType(
        name: "models.Alert",
        fields: [
            ("Capacity", .pointer(.int(.int32))), ("CreatedAt", .string),
            ("Decisions", .slice(.pointer(.object(decision)))), ("Events", .slice(.pointer(.object(event)))),
            ("EventsCount", .pointer(.int(.int32))), ("ID", .int(.int64)), ("Labels", .slice(.string)),
            ("Leakspeed", .pointer(.string)), ("MachineID", .string), ("Message", .pointer(.string)), ("Meta", meta),
            ("Remediation", .bool), ("Scenario", .pointer(.string)), ("ScenarioHash", .pointer(.string)),
            ("ScenarioVersion", .pointer(.string)), ("Simulated", .pointer(.bool)),
            ("Source", .pointer(.object(source))), ("StartAt", .pointer(.string)), ("StopAt", .pointer(.string)),
        ],
        methods: [
            ("GetEventsCount", Signature([], returns: .int(.int32))), ("GetMeta", Signature([.string], returns: .string)),
            ("GetScenario", Signature([], returns: .string)), ("GetScope", Signature([], returns: .string)),
            ("GetValue", Signature([], returns: .string)), ("HasRemediation", Signature([], returns: .bool)),
        ])

    /// A JSON object read as Go's encoding/json fills the models.
    struct Object: HostObject {
        let hostType: HostType
        nonisolated(unsafe) let json: [String: Any?]  // read-only JSON from JSONSerialization
        static let jsonNames: [String: String] = [
            "AsName": "as_name", "AsNumber": "as_number", "Cn": "cn", "IP": "ip", "Latitude": "latitude",
            "Longitude": "longitude", "Range": "range", "Scope": "scope", "Value": "value", "Key": "key",
            "Meta": "meta", "Timestamp": "timestamp", "Capacity": "capacity", "CreatedAt": "created_at",
            "Decisions": "decisions", "Events": "events", "EventsCount": "events_count", "ID": "id",
            "Labels": "labels", "Leakspeed": "leakspeed", "MachineID": "machine_id", "Message": "message",
            "Remediation": "remediation", "Scenario": "scenario", "ScenarioHash": "scenario_hash",
            "ScenarioVersion": "scenario_version", "Simulated": "simulated", "Source": "source",
            "StartAt": "start_at", "StopAt": "stop_at", "Duration": "duration", "Origin": "origin", "Type": "type",
            "Until": "until",
        ]

        func field(_ name: String) -> Value {
            let type = hostType.fields.first { $0.name == name }!.type
            return Self.value(json[Self.jsonNames[name]!] ?? nil, type)
        }

        static func value(_ raw: Any?, _ type: ExprType) -> Value {
            let raw: Any? = raw is NSNull ? nil : raw
            switch type {
            case .string: return .string(raw as? String ?? "")
            case .bool: return .bool(raw as? Bool ?? false)
            case .int(let kind): return .int(Int64((raw as? NSNumber)?.int64Value ?? 0), kind)
            case .float(let kind): return .float(Double(Float((raw as? NSNumber)?.doubleValue ?? 0)), kind)
            case .pointer(.object(let host)):
                guard let object = raw as? [String: Any?] else { return .object(nil, host) }
                return .object(Object(hostType: host, json: object), host)
            case .pointer(let target):
                guard let raw else { return .pointer(nil, target) }
                return .pointer(value(raw, target), target)
            case .slice(let element, _):
                let items = (raw as? [Any?]) ?? []
                return .array(items.map { value($0, element) }, type)
            default: return .null
            }
        }

        func call(_ method: String, _ arguments: [Value]) throws(FunctionError) -> Value {
            switch method {
            case "GetMeta":
                guard case .string(let key)? = arguments.first, case .array(let items, _) = field("Meta") else {
                    return .string("")
                }
                for case .object(let item?, _) in items {
                    if case .string(key) = item.field("Key") { return item.field("Value") }
                }
                return .string("")
            case "HasRemediation": return .bool(true)
            case "GetScenario": return deref(field("Scenario"))
            case "GetEventsCount":
                if case .pointer(let v?, _) = field("EventsCount") { return v }
                return .int(0, .int32)
            case "GetScope", "GetValue":
                let name = method == "GetScope" ? "Scope" : "Value"
                if hostType === CrowdSecModels.source { return deref(field(name)) }
                guard case .object(let source?, _) = field("Source") else {
                    throw FunctionError("runtime error: invalid memory address or nil pointer dereference")
                }
                return deref(source.field(name))
            case "GetAsNumberName":
                guard case .string(let number) = field("AsNumber"), case .string(let name) = field("AsName") else {
                    return .string("")
                }
                return .string((number != "0" ? number : "") + (name.isEmpty ? "" : " " + name))
            default: throw FunctionError("no method \(method)")
            }
        }

        private func deref(_ value: Value) -> Value {
            if case .pointer(let v?, _) = value { return v }
            return .string("")
        }
    }
}
