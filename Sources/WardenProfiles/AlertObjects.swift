import WardenAlerts
import WardenExpr

/// `*models.Alert` for expressions: WardenAlerts' alert read field by field.
struct AlertObject: HostObject {
    let alert: Alert
    var hostType: HostType { AlertTypes.alert }

    static func value(_ alert: Alert) -> Value { .object(AlertObject(alert: alert), AlertTypes.alert) }

    func field(_ name: String) -> Value {
        switch name {
        case "Capacity": return .pointer(alert.capacity.map { .int(Int64($0), .int32) }, .int(.int32))
        case "CreatedAt": return .string(alert.createdAt)
        case "Decisions":
            return .array(
                (alert.decisions ?? []).map(DecisionObject.value), .slice(.pointer(.object(AlertTypes.decision))))
        case "Events":
            return .array((alert.events ?? []).map(EventObject.value), .slice(.pointer(.object(AlertTypes.event))))
        case "EventsCount": return .pointer(alert.eventsCount.map { .int(Int64($0), .int32) }, .int(.int32))
        case "ID": return .int(alert.id, .int64)
        case "Labels": return .array((alert.labels ?? []).map(Value.string), .slice(.string))
        case "Leakspeed": return .stringPointer(alert.leakspeed)
        case "MachineID": return .string(alert.machineID)
        case "Message": return .stringPointer(alert.message)
        case "Meta": return MetaObject.value(alert.meta)
        case "Remediation": return .bool(alert.remediation)
        case "Scenario": return .stringPointer(alert.scenario)
        case "ScenarioHash": return .stringPointer(alert.scenarioHash)
        case "ScenarioVersion": return .stringPointer(alert.scenarioVersion)
        case "Simulated": return .pointer(alert.simulated.map(Value.bool), .bool)
        case "Source": return .object(alert.source.map(SourceObject.init), AlertTypes.source)
        case "StartAt": return .stringPointer(alert.startAt)
        case "StopAt": return .stringPointer(alert.stopAt)
        default: return .null
        }
    }

    func call(_ method: String, _ arguments: [Value]) throws(FunctionError) -> Value {
        switch method {
        case "HasRemediation": return .bool(true)
        case "GetScenario": return .string(alert.scenario ?? "")
        case "GetEventsCount": return .int(Int64(alert.eventsCount ?? 0), .int32)
        case "GetMeta": return MetaObject.lookup(alert.meta, arguments)
        case "GetScope", "GetValue":
            // CrowdSec dereferences Source without a check: an alert without one panics.
            guard let source = alert.source else { throw FunctionError(nilDereference) }
            return .string((method == "GetScope" ? source.scope : source.value) ?? "")
        default: return .null
        }
    }
}

/// Go's message when a method reads through a nil pointer.
let nilDereference = "runtime error: invalid memory address or nil pointer dereference"

/// `*models.Source`.
struct SourceObject: HostObject {
    let source: AlertSource
    var hostType: HostType { AlertTypes.source }

    func field(_ name: String) -> Value {
        switch name {
        case "AsName": return .string(source.asName)
        case "AsNumber": return .string(source.asNumber)
        case "Cn": return .string(source.cn)
        case "IP": return .string(source.ip)
        case "Latitude": return .float(Double(source.latitude), .float32)
        case "Longitude": return .float(Double(source.longitude), .float32)
        case "Range": return .string(source.range)
        case "Scope": return .stringPointer(source.scope)
        case "Value": return .stringPointer(source.value)
        default: return .null
        }
    }

    func call(_ method: String, _ arguments: [Value]) throws(FunctionError) -> Value {
        switch method {
        case "GetScope": return .string(source.scope ?? "")
        case "GetValue": return .string(source.value ?? "")
        case "GetAsNumberName":
            // As CrowdSec writes it: the number unless "0", then " " and the name when there is one.
            return .string(
                (source.asNumber != "0" ? source.asNumber : "") + (source.asName.isEmpty ? "" : " " + source.asName))
        default: return .null
        }
    }
}

/// `*models.Event`.
struct EventObject: HostObject {
    let event: AlertEvent
    var hostType: HostType { AlertTypes.event }

    static func value(_ event: AlertEvent) -> Value { .object(EventObject(event: event), AlertTypes.event) }

    func field(_ name: String) -> Value {
        name == "Meta" ? MetaObject.value(event.meta ?? []) : .stringPointer(event.timestamp)
    }

    func call(_ method: String, _ arguments: [Value]) throws(FunctionError) -> Value {
        MetaObject.lookup(event.meta ?? [], arguments)
    }
}

/// `*models.MetaItems0`, and `models.Meta` lookups.
struct MetaObject: HostObject {
    let item: MetaItem
    var hostType: HostType { AlertTypes.metaItem }

    static func value(_ items: [MetaItem]) -> Value {
        .array(items.map { .object(MetaObject(item: $0), AlertTypes.metaItem) }, AlertTypes.meta)
    }

    /// `GetMeta(key)`: the first item's value with that key, "" when none.
    static func lookup(_ items: [MetaItem], _ arguments: [Value]) -> Value {
        guard case .string(let key)? = arguments.first else { return .string("") }
        return .string(items.first { $0.key == key }?.value ?? "")
    }

    func field(_ name: String) -> Value { .string(name == "Key" ? item.key : item.value) }

    func call(_ method: String, _ arguments: [Value]) throws(FunctionError) -> Value { .null }
}

/// `*models.Decision`.
struct DecisionObject: HostObject {
    let decision: AlertDecision
    var hostType: HostType { AlertTypes.decision }

    static func value(_ decision: AlertDecision) -> Value {
        .object(DecisionObject(decision: decision), AlertTypes.decision)
    }

    func field(_ name: String) -> Value {
        switch name {
        case "Duration": return .stringPointer(decision.duration)
        case "ID": return .int(decision.id, .int64)
        case "Origin": return .stringPointer(decision.origin)
        case "Scenario": return .stringPointer(decision.scenario)
        case "Scope": return .stringPointer(decision.scope)
        case "Simulated": return .pointer(decision.simulated.map(Value.bool), .bool)
        case "Type": return .stringPointer(decision.type)
        case "Until": return .string(decision.until)
        case "Value": return .stringPointer(decision.value)
        default: return .null
        }
    }

    func call(_ method: String, _ arguments: [Value]) throws(FunctionError) -> Value { .null }
}
