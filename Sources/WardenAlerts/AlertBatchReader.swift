/// Reads a `POST /v1/alerts` body straight from its bytes into ``Alert`` values.
///
/// `cscli decisions import` sends one alert carrying every decision, 100k of them in
/// 13 MB: read through `Decodable` that took half a second, a quarter of the request.
/// This reader gives the very values `JSONDecoder` gives with the types' `Decodable`
/// conformances, or nothing: whatever it is not sure to read alike (a value of an
/// unexpected type, a number with a fraction where an integer goes, a duplicated or
/// escaped key, invalid UTF-8, bad JSON), it declines, and the caller reads the body
/// the general way, which also words the error a client gets. Keys match exactly, as
/// the `CodingKeys` do; unknown keys are skipped once checked to be valid JSON.
public enum AlertBatchReader {
    /// The alerts of `bytes` and the bytes of each one as sent, when `bytes` is a JSON
    /// array of alert objects read exactly as `JSONDecoder` would; nil otherwise.
    public static func read(_ bytes: [UInt8]) -> (alerts: [Alert], elements: [ArraySlice<UInt8>])? {
        bytes.withUnsafeBufferPointer { buffer -> (alerts: [Alert], elements: [ArraySlice<UInt8>])? in
            var reader = JSONBytes(buffer)
            do throws(JSONBytes.Declined) {
                var alerts: [Alert] = []
                var ranges: [Range<Int>] = []
                reader.skipSpace()
                try reader.expect(UInt8(ascii: "["))
                reader.skipSpace()
                if !reader.take(UInt8(ascii: "]")) {
                    repeat {
                        reader.skipSpace()
                        let start = reader.at
                        alerts.append(try alert(&reader))
                        ranges.append(start..<reader.at)
                        reader.skipSpace()
                    } while reader.take(UInt8(ascii: ","))
                    try reader.expect(UInt8(ascii: "]"))
                }
                reader.skipSpace()
                guard reader.atEnd else { throw JSONBytes.Declined() }
                return (alerts, ranges.map { bytes[$0] })
            } catch {
                return nil
            }
        }
    }

    private static func alert(_ reader: inout JSONBytes) throws(JSONBytes.Declined) -> Alert {
        var alert = Alert()
        try reader.object(keys: alertKeys) { reader, key throws(JSONBytes.Declined) in
            switch key {
            case 0: alert.capacity = try reader.optional { reader throws(JSONBytes.Declined) in try reader.int32() }
            case 1: alert.createdAt = try reader.optionalString() ?? ""
            case 2: alert.decisions = try reader.optional { reader throws(JSONBytes.Declined) in try reader.array(decision) }
            case 3: alert.events = try reader.optional { reader throws(JSONBytes.Declined) in try reader.array(event) }
            case 4: alert.eventsCount = try reader.optional { reader throws(JSONBytes.Declined) in try reader.int32() }
            case 5: alert.id = try reader.optional { reader throws(JSONBytes.Declined) in try reader.int64() } ?? 0
            case 6:
                alert.labels = try reader.optional { reader throws(JSONBytes.Declined) in
                    try reader.array { reader throws(JSONBytes.Declined) in try reader.string() }
                }
            case 7: alert.leakspeed = try reader.optionalString()
            case 8: alert.machineID = try reader.optionalString() ?? ""
            case 9: alert.message = try reader.optionalString()
            case 10: alert.meta = try reader.optional { reader throws(JSONBytes.Declined) in try reader.array(metaItem) } ?? []
            case 11: alert.remediation = try reader.optional { reader throws(JSONBytes.Declined) in try reader.bool() } ?? false
            case 12: alert.scenario = try reader.optionalString()
            case 13: alert.scenarioHash = try reader.optionalString()
            case 14: alert.scenarioVersion = try reader.optionalString()
            case 15: alert.simulated = try reader.optional { reader throws(JSONBytes.Declined) in try reader.bool() }
            case 16: alert.source = try reader.optional(source)
            case 17: alert.startAt = try reader.optionalString()
            default: alert.stopAt = try reader.optionalString()
            }
        }
        return alert
    }

    private static func decision(_ reader: inout JSONBytes) throws(JSONBytes.Declined) -> AlertDecision {
        var decision = AlertDecision()
        try reader.object(keys: decisionKeys) { reader, key throws(JSONBytes.Declined) in
            switch key {
            case 0: decision.duration = try reader.optionalString()
            case 1: decision.id = try reader.optional { reader throws(JSONBytes.Declined) in try reader.int64() } ?? 0
            case 2: decision.origin = try reader.optionalString()
            case 3: decision.scenario = try reader.optionalString()
            case 4: decision.scope = try reader.optionalString()
            case 5: decision.simulated = try reader.optional { reader throws(JSONBytes.Declined) in try reader.bool() }
            case 6: decision.type = try reader.optionalString()
            case 7: decision.until = try reader.optionalString() ?? ""
            default: decision.value = try reader.optionalString()
            }
        }
        return decision
    }

    private static func event(_ reader: inout JSONBytes) throws(JSONBytes.Declined) -> AlertEvent {
        var event = AlertEvent()
        try reader.object(keys: eventKeys) { reader, key throws(JSONBytes.Declined) in
            switch key {
            case 0: event.meta = try reader.optional { reader throws(JSONBytes.Declined) in try reader.array(metaItem) }
            default: event.timestamp = try reader.optionalString()
            }
        }
        return event
    }

    private static func metaItem(_ reader: inout JSONBytes) throws(JSONBytes.Declined) -> MetaItem {
        var item = MetaItem(key: "", value: "")
        try reader.object(keys: metaKeys) { reader, key throws(JSONBytes.Declined) in
            switch key {
            case 0: item.key = try reader.optionalString() ?? ""
            default: item.value = try reader.optionalString() ?? ""
            }
        }
        return item
    }

    private static func source(_ reader: inout JSONBytes) throws(JSONBytes.Declined) -> AlertSource {
        var source = AlertSource()
        try reader.object(keys: sourceKeys) { reader, key throws(JSONBytes.Declined) in
            switch key {
            case 0: source.asName = try reader.optionalString() ?? ""
            case 1: source.asNumber = try reader.optionalString() ?? ""
            case 2: source.cn = try reader.optionalString() ?? ""
            case 3: source.ip = try reader.optionalString() ?? ""
            case 4: source.latitude = try reader.optional { reader throws(JSONBytes.Declined) in try reader.float() } ?? 0
            case 5: source.longitude = try reader.optional { reader throws(JSONBytes.Declined) in try reader.float() } ?? 0
            case 6: source.range = try reader.optionalString() ?? ""
            case 7: source.scope = try reader.optionalString()
            default: source.value = try reader.optionalString()
            }
        }
        return source
    }

    // The keys of each type, in the order of the `switch`es above.
    private static let alertKeys = JSONBytes.Keys([
        "capacity", "created_at", "decisions", "events", "events_count", "id", "labels", "leakspeed", "machine_id",
        "message", "meta", "remediation", "scenario", "scenario_hash", "scenario_version", "simulated", "source",
        "start_at", "stop_at",
    ])
    private static let decisionKeys = JSONBytes.Keys([
        "duration", "id", "origin", "scenario", "scope", "simulated", "type", "until", "value",
    ])
    private static let eventKeys = JSONBytes.Keys(["meta", "timestamp"])
    private static let metaKeys = JSONBytes.Keys(["key", "value"])
    private static let sourceKeys = JSONBytes.Keys([
        "as_name", "as_number", "cn", "ip", "latitude", "longitude", "range", "scope", "value",
    ])
}
