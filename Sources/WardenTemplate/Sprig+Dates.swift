/// sprig's dates: `date` and friends format a time.Time, *time.Time or Unix
/// seconds (anything else means now, as in sprig), `toDate` parses.
extension Sprig {
    static func dateFunctions() -> [String: TemplateFunction] {
        var f: [String: TemplateFunction] = [:]
        f["now"] = TemplateFunction([GoType]()) { _ in .time(GoTime.now()) }
        f["date"] = TemplateFunction([.string, .interface]) { .string(dateInZone($0[0].stringValue, $0[1], "Local")) }
        f["htmlDate"] = TemplateFunction([.interface]) { .string(dateInZone("2006-01-02", $0[0], "Local")) }
        f["dateInZone"] = TemplateFunction([.string, .interface, .string]) { .string(dateInZone($0[0].stringValue, $0[1], $0[2].stringValue)) }
        f["date_in_zone"] = f["dateInZone"]
        f["htmlDateInZone"] = TemplateFunction([.interface, .string]) { .string(dateInZone("2006-01-02", $0[0], $0[1].stringValue)) }
        f["toDate"] = TemplateFunction([.string, .string]) { args in
            let zero = TemplateValue.zero(of: .time)
            guard let t = try? GoTime.parse(layout: args[0].stringValue, args[1].stringValue, local: true) else { return zero }
            return .time(t)
        }
        f["unixEpoch"] = TemplateFunction([.time]) { args in
            guard case .time(let t) = args[0] else { return .string("") }
            return .string(String(t.seconds))
        }
        return f
    }

    static func dateInZone(_ layout: String, _ date: TemplateValue, _ zone: String) -> String {
        var t: GoTime
        switch date {
        case .time(let value): t = value
        case .pointer(.time(let value)): t = value
        case .int(let seconds, _): t = GoTime(seconds: seconds, nanoseconds: 0, zone: .utc)
        default: t = GoTime.now()
        }
        return (t.in(zone: zone) ?? t.in(zone: "UTC")!).format(layout)
    }
}
