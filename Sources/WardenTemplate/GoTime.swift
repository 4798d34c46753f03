#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Go `time.Time`: an instant and the zone it is shown in. Formatting uses
/// Go's reference-time layouts ("2006-01-02 15:04:05"), as sprig's `date` does.
public struct GoTime: Sendable, Equatable {
    /// A zone as Go shows it: an abbreviation ("UTC", "CET") and an offset east of UTC.
    public struct Zone: Sendable, Equatable {
        public var name: String
        public var offsetSeconds: Int
        public static let utc = Zone(name: "UTC", offsetSeconds: 0)
    }

    public var seconds: Int64
    public var nanoseconds: Int
    public var zone: Zone

    public init(seconds: Int64, nanoseconds: Int, zone: Zone) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.zone = zone
    }

    static let rfc3339Layout = "2006-01-02T15:04:05Z07:00"
    static let rfc3339NanoLayout = "2006-01-02T15:04:05.999999999Z07:00"

    /// The current time in the local zone.
    static func now() -> GoTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return GoTime(seconds: Int64(spec.tv_sec), nanoseconds: Int(spec.tv_nsec), zone: localZone(at: Int64(spec.tv_sec)))
    }

    /// The local zone at `seconds`, from the C library (TZ or /etc/localtime).
    static func localZone(at seconds: Int64) -> Zone {
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return .utc }
        let name = parts.tm_zone.map { String(cString: $0) } ?? "UTC"
        return Zone(name: name, offsetSeconds: Int(parts.tm_gmtoff))
    }

    /// This instant shown in a named zone: "Local", "UTC" (or ""), or a zoneinfo
    /// name such as "Europe/Paris"; nil for a name no zoneinfo file has.
    func `in`(zone name: String) -> GoTime? {
        var copy = self
        switch name {
        case "Local": copy.zone = GoTime.localZone(at: seconds)
        case "UTC", "": copy.zone = .utc
        default:
            guard let zone = GoTime.zone(named: name, at: seconds) else { return nil }
            copy.zone = zone
        }
        return copy
    }

    /// Parses RFC 3339 with optional fractional seconds, as `time.RFC3339Nano` does.
    init?(rfc3339 text: String) {
        guard let t = try? GoTime.parse(layout: GoTime.rfc3339Layout, text, local: false) else { return nil }
        self = t
    }
}

// MARK: - Civil dates

extension GoTime {
    /// Days since 1970-01-01 → (year, month 1...12, day 1...31), proleptic Gregorian.
    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func days(year y0: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    struct Fields {
        var year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int, yearDay: Int
    }

    var fields: Fields {
        let local = seconds + Int64(zone.offsetSeconds)
        var days = local / 86_400
        var rest = local % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = GoTime.civil(fromDays: days)
        let weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday
        let yearDay = Int(days - GoTime.days(year: y, month: 1, day: 1)) + 1
        return Fields(year: y, month: m, day: d, hour: Int(rest / 3600), minute: Int(rest % 3600 / 60), second: Int(rest % 60), weekday: weekday, yearDay: yearDay)
    }
}
