/// Go's reference-time layouts: a layout is literal text around "std" chunks
/// such as `2006`, `Jan`, `_2`, `15`, `-07:00` or `.000` (time/format.go).
extension GoTime {
    enum Chunk: Equatable {
        case literal(String)
        case longYear, year, longMonth, month, numMonth, zeroMonth, longWeekDay, weekDay
        case day, underDay, zeroDay, hour, hour12, zeroHour12, minute, zeroMinute, second, zeroSecond
        case pm(upper: Bool), tz
        /// Numeric offsets: `z` prints "Z" for UTC; `colon` and `seconds` as in -07:00:00.
        case offset(z: Bool, colon: Bool, minutes: Bool, seconds: Bool)
        /// Fractional seconds of `digits` digits; `trim` for the 9s form.
        case fraction(digits: Int, trim: Bool, comma: Bool)
    }

    static func chunks(_ layout: String) -> [Chunk] {
        let b = Array(layout.utf8)
        var out: [Chunk] = []
        var literal: [UInt8] = []
        var i = 0
        func has(_ s: String) -> Bool {
            let u = Array(s.utf8)
            return b.count - i >= u.count && Array(b[i..<i + u.count]) == u
        }
        func isDigit(_ j: Int) -> Bool { j < b.count && (0x30...0x39).contains(b[j]) }
        while i < b.count {
            var found: (Chunk, Int)?
            switch b[i] {
            case UInt8(ascii: "J") where has("January"): found = (.longMonth, 7)
            case UInt8(ascii: "J") where has("Jan"): found = (.month, 3)
            case UInt8(ascii: "M") where has("Monday"): found = (.longWeekDay, 6)
            case UInt8(ascii: "M") where has("Mon"): found = (.weekDay, 3)
            case UInt8(ascii: "M") where has("MST"): found = (.tz, 3)
            case UInt8(ascii: "0") where i + 1 < b.count && (0x31...0x36).contains(b[i + 1]):
                found = ([.zeroMonth, .zeroDay, .zeroHour12, .zeroMinute, .zeroSecond, .year][Int(b[i + 1] - 0x31)], 2)
            case UInt8(ascii: "1") where has("15"): found = (.hour, 2)
            case UInt8(ascii: "1"): found = (.numMonth, 1)
            case UInt8(ascii: "2") where has("2006"): found = (.longYear, 4)
            case UInt8(ascii: "2"): found = (.day, 1)
            case UInt8(ascii: "_") where has("_2") && !has("_2006"): found = (.underDay, 2)
            case UInt8(ascii: "3"): found = (.hour12, 1)
            case UInt8(ascii: "4"): found = (.minute, 1)
            case UInt8(ascii: "5"): found = (.second, 1)
            case UInt8(ascii: "P") where has("PM"): found = (.pm(upper: true), 2)
            case UInt8(ascii: "p") where has("pm"): found = (.pm(upper: false), 2)
            case UInt8(ascii: "-"), UInt8(ascii: "Z"):
                let z = b[i] == UInt8(ascii: "Z")
                let tail = z ? "Z07" : "-07"
                if has(tail + "0000") { found = (.offset(z: z, colon: false, minutes: true, seconds: true), 7) }
                else if has(tail + ":00:00") { found = (.offset(z: z, colon: true, minutes: true, seconds: true), 9) }
                else if has(tail + "00") { found = (.offset(z: z, colon: false, minutes: true, seconds: false), 5) }
                else if has(tail + ":00") { found = (.offset(z: z, colon: true, minutes: true, seconds: false), 6) }
                else if has(tail) { found = (.offset(z: z, colon: false, minutes: false, seconds: false), 3) }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if i + 1 < b.count, b[i + 1] == UInt8(ascii: "0") || b[i + 1] == UInt8(ascii: "9") {
                    let digit = b[i + 1]
                    var j = i + 1
                    while j < b.count, b[j] == digit { j += 1 }
                    if !isDigit(j) {
                        found = (.fraction(digits: j - i - 1, trim: digit == UInt8(ascii: "9"), comma: b[i] == UInt8(ascii: ",")), j - i)
                    }
                }
            default: break
            }
            if let (chunk, length) = found {
                if !literal.isEmpty { out.append(.literal(String(decoding: literal, as: UTF8.self))); literal = [] }
                out.append(chunk)
                i += length
            } else {
                literal.append(b[i])
                i += 1
            }
        }
        if !literal.isEmpty { out.append(.literal(String(decoding: literal, as: UTF8.self))) }
        return out
    }

    private static func pad(_ v: Int64, _ width: Int, _ fill: Character = "0") -> String {
        let s = String(abs(v))
        return (v < 0 ? "-" : "") + String(repeating: fill, count: max(0, width - s.count)) + s
    }

    /// This time written with a Go layout, as `Time.Format` writes it.
    public func format(_ layout: String) -> String {
        let f = fields
        var out = ""
        for chunk in GoTime.chunks(layout) {
            switch chunk {
            case .literal(let s): out += s
            case .longYear: out += GoTime.pad(f.year, 4)
            case .year: out += GoTime.pad(((f.year % 100) + 100) % 100, 2)
            case .longMonth: out += GoTime.monthNames[f.month - 1]
            case .month: out += String(GoTime.monthNames[f.month - 1].prefix(3))
            case .numMonth: out += String(f.month)
            case .zeroMonth: out += GoTime.pad(Int64(f.month), 2)
            case .longWeekDay: out += GoTime.dayNames[f.weekday]
            case .weekDay: out += String(GoTime.dayNames[f.weekday].prefix(3))
            case .day: out += String(f.day)
            case .underDay: out += GoTime.pad(Int64(f.day), 2, " ")
            case .zeroDay: out += GoTime.pad(Int64(f.day), 2)
            case .hour: out += GoTime.pad(Int64(f.hour), 2)
            case .hour12: out += String(f.hour % 12 == 0 ? 12 : f.hour % 12)
            case .zeroHour12: out += GoTime.pad(Int64(f.hour % 12 == 0 ? 12 : f.hour % 12), 2)
            case .minute: out += String(f.minute)
            case .zeroMinute: out += GoTime.pad(Int64(f.minute), 2)
            case .second: out += String(f.second)
            case .zeroSecond: out += GoTime.pad(Int64(f.second), 2)
            case .pm(let upper): out += f.hour >= 12 ? (upper ? "PM" : "pm") : (upper ? "AM" : "am")
            case .tz:
                if !zone.name.isEmpty {
                    out += zone.name
                } else {
                    let minutes = zone.offsetSeconds / 60
                    out += (minutes < 0 ? "-" : "+") + GoTime.pad(Int64(abs(minutes) / 60), 2) + GoTime.pad(Int64(abs(minutes) % 60), 2)
                }
            case .offset(let z, let colon, let withMinutes, let withSeconds):
                if z && zone.offsetSeconds == 0 { out += "Z"; continue }
                let total = abs(zone.offsetSeconds)
                out += zone.offsetSeconds < 0 ? "-" : "+"
                out += GoTime.pad(Int64(total / 3600), 2)
                if withMinutes { out += (colon ? ":" : "") + GoTime.pad(Int64(total / 60 % 60), 2) }
                if withSeconds && total % 60 != 0 { out += (colon ? ":" : "") + GoTime.pad(Int64(total % 60), 2) }
            case .fraction(let digits, let trim, let comma):
                var text = GoTime.pad(Int64(nanoseconds), 9).prefix(digits)
                if trim {
                    while text.last == "0" { text = text.dropLast() }
                    if text.isEmpty { continue }
                }
                out += (comma ? "," : ".") + text
            }
        }
        return out
    }

    /// Go's `time.Time.String()`: "2006-01-02 15:04:05.999999999 -0700 MST".
    public var description: String { format("2006-01-02 15:04:05.999999999 -0700 MST") }

    /// The text does not match the layout.
    struct LayoutMismatch: Error {}

    /// Parses `text` with a Go layout, as `time.ParseInLocation` does with the
    /// local zone (`local`) or UTC: the subset of layouts that dates in alerts use.
    static func parse(layout: String, _ text: String, local: Bool) throws -> GoTime {
        let s = Array(text.utf8)
        var i = 0
        var year: Int64 = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0
        var pm: Bool?
        var offset: Int?
        var zoneName: String?
        func number(_ minDigits: Int, _ maxDigits: Int) throws -> Int {
            var j = i
            var v = 0
            while j < s.count, j - i < maxDigits, (0x30...0x39).contains(s[j]) { v = v * 10 + Int(s[j] - 0x30); j += 1 }
            guard j - i >= minDigits else { throw LayoutMismatch() }
            i = j
            return v
        }
        func word(_ names: [String], prefixLength: Int?) throws -> Int {
            for (k, name) in names.enumerated() {
                let w = Array((prefixLength.map { String(name.prefix($0)) } ?? name).utf8)
                if s.count - i >= w.count, Array(s[i..<i + w.count]).map({ $0 | 0x20 }) == w.map({ $0 | 0x20 }) {
                    i += w.count
                    return k
                }
            }
            throw LayoutMismatch()
        }
        func fraction() throws {
            guard i < s.count, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ","), i + 1 < s.count, (0x30...0x39).contains(s[i + 1]) else { return }
            i += 1
            var digits = 0
            var v = 0
            while i < s.count, (0x30...0x39).contains(s[i]) {
                if digits < 9 { v = v * 10 + Int(s[i] - 0x30); digits += 1 }
                i += 1
            }
            while digits < 9 { v *= 10; digits += 1 }
            nanos = v
        }
        let chunks = GoTime.chunks(layout)
        for (index, chunk) in chunks.enumerated() {
            switch chunk {
            case .literal(let lit):
                let l = Array(lit.utf8)
                guard s.count - i >= l.count, Array(s[i..<i + l.count]) == l else { throw LayoutMismatch() }
                i += l.count
            case .longYear: year = Int64(try number(4, 4))
            case .year: year = Int64(try number(2, 2)); year += year >= 69 ? 1900 : 2000
            case .longMonth: month = try word(monthNames, prefixLength: nil) + 1
            case .month: month = try word(monthNames, prefixLength: 3) + 1
            case .numMonth: month = try number(1, 2)
            case .zeroMonth: month = try number(2, 2)
            case .longWeekDay: _ = try word(dayNames, prefixLength: nil)
            case .weekDay: _ = try word(dayNames, prefixLength: 3)
            case .day, .underDay:
                if case .underDay = chunk, i < s.count, s[i] == UInt8(ascii: " ") { i += 1 }
                day = try number(1, 2)
            case .zeroDay: day = try number(2, 2)
            case .hour: hour = try number(2, 2)
            case .hour12: hour = try number(1, 2)
            case .zeroHour12: hour = try number(2, 2)
            case .minute: minute = try number(1, 2)
            case .zeroMinute: minute = try number(2, 2)
            case .second, .zeroSecond:
                second = try (chunk == .second ? number(1, 2) : number(2, 2))
                // Go accepts fractional seconds after the seconds even when the layout has none.
                if index + 1 >= chunks.count || { if case .fraction = chunks[index + 1] { return false }; return true }() {
                    try fraction()
                }
            case .pm(let upper):
                guard s.count - i >= 2 else { throw LayoutMismatch() }
                let w = String(decoding: s[i..<i + 2], as: UTF8.self)
                guard w == (upper ? "PM" : "pm") || w == (upper ? "AM" : "am") else { throw LayoutMismatch() }
                pm = w.lowercased() == "pm"
                i += 2
            case .tz:
                var j = i
                while j < s.count, (0x41...0x5A).contains(s[j]) { j += 1 }
                guard j - i >= 3 else { throw LayoutMismatch() }
                zoneName = String(decoding: s[i..<j], as: UTF8.self)
                i = j
            case .offset(let z, let colon, let withMinutes, let withSeconds):
                if z, i < s.count, s[i] == UInt8(ascii: "Z") { i += 1; offset = 0; zoneName = "UTC"; continue }
                guard i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") else { throw LayoutMismatch() }
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                var total = try number(2, 2) * 3600
                if withMinutes {
                    if colon { guard i < s.count, s[i] == UInt8(ascii: ":") else { throw LayoutMismatch() }; i += 1 }
                    total += try number(2, 2) * 60
                }
                if withSeconds {
                    if colon { guard i < s.count, s[i] == UInt8(ascii: ":") else { throw LayoutMismatch() }; i += 1 }
                    total += try number(2, 2)
                }
                offset = sign * total
            case .fraction(let digits, let trim, _):
                if trim { try fraction() } else {
                    guard i < s.count, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") else { throw LayoutMismatch() }
                    let start = i
                    try fraction()
                    guard i - start - 1 == digits else { throw LayoutMismatch() }
                }
            }
        }
        guard i == s.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { throw LayoutMismatch() }
        if let pm { if hour > 12 { throw LayoutMismatch() }; if pm && hour < 12 { hour += 12 } else if !pm && hour == 12 { hour = 0 } }
        let wall = days(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        if let offset {
            let instant = wall - Int64(offset)
            if offset == 0 && zoneName == "UTC" { return GoTime(seconds: instant, nanoseconds: nanos, zone: .utc) }
            if local {
                let here = localZone(at: instant)
                if here.offsetSeconds == offset { return GoTime(seconds: instant, nanoseconds: nanos, zone: here) }
            }
            return GoTime(seconds: instant, nanoseconds: nanos, zone: Zone(name: zoneName ?? "", offsetSeconds: offset))
        }
        guard local else { return GoTime(seconds: wall, nanoseconds: nanos, zone: .utc) }
        // A wall-clock time in the local zone: find the instant whose local offset matches.
        var guess = wall - Int64(localZone(at: wall).offsetSeconds)
        guess = wall - Int64(localZone(at: guess).offsetSeconds)
        return GoTime(seconds: guess, nanoseconds: nanos, zone: localZone(at: guess))
    }
}
