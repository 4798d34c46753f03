import WardenBasics

/// A cursor over JSON text for ``AlertBatchReader``: reads the values it is sure to read
/// as `JSONDecoder` does and throws ``Declined`` at anything else, including invalid JSON.
/// The caller skips whitespace before a value; each reader skips it inside what it reads.
struct JSONBytes {
    /// The text is not one this cursor reads alike: read it the general way.
    struct Declined: Error {}

    /// The member names of one type, as bytes, looked up by position.
    struct Keys: Sendable {
        let names: [[UInt8]]

        init(_ names: [String]) {
            precondition(names.count <= 64, "a member set is tracked in 64 bits")
            self.names = names.map { Array($0.utf8) }
        }

        /// The position of the name spelled by `bytes`, if it is one.
        func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            names.firstIndex { name in name.count == bytes.count && name.elementsEqual(bytes) }
        }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    /// The offset of the next byte to read.
    private(set) var at = 0
    /// Objects and arrays open around the value being read. Alerts nest five deep; deeper
    /// than ``maxDepth`` is declined, which also bounds this recursive reader's stack
    /// (and stays below JSONDecoder's own limit of 512).
    private var depth = 0
    static let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { at == bytes.count }

    private var next: UInt8? { at < bytes.count ? bytes[at] : nil }

    mutating func skipSpace() {
        while let c = next, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { at += 1 }
    }

    /// Consumes `byte` when it comes next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard next == byte else { return false }
        at += 1
        return true
    }

    mutating func expect(_ byte: UInt8) throws(Declined) {
        guard take(byte) else { throw Declined() }
    }

    /// `null` (nil), or the value `read` reads.
    mutating func optional<T>(_ read: (inout JSONBytes) throws(Declined) -> T) throws(Declined) -> T? {
        skipSpace()
        if next == UInt8(ascii: "n") {
            try word("null")
            return nil
        }
        return try read(&self)
    }

    mutating func optionalString() throws(Declined) -> String? {
        try optional { reader throws(Declined) in try reader.string() }
    }

    /// An object whose known members `member` reads (given their position in `keys`);
    /// unknown members are checked and skipped. A known member given twice is declined.
    mutating func object(keys: Keys, _ member: (inout JSONBytes, Int) throws(Declined) -> Void) throws(Declined) {
        skipSpace()
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        skipSpace()
        if take(UInt8(ascii: "}")) { return }
        var seen: UInt64 = 0
        repeat {
            skipSpace()
            let name = try plainKey()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            if let index = keys.index(of: name) {
                let bit: UInt64 = 1 << UInt64(index)
                guard seen & bit == 0 else { throw Declined() }
                seen |= bit
                try member(&self, index)
            } else {
                try skipValue()
            }
            skipSpace()
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// An array of the values `element` reads.
    mutating func array<T>(_ element: (inout JSONBytes) throws(Declined) -> T) throws(Declined) -> [T] {
        skipSpace()
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        skipSpace()
        var values: [T] = []
        if take(UInt8(ascii: "]")) { return values }
        repeat {
            skipSpace()
            values.append(try element(&self))
            skipSpace()
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return values
    }

    mutating func bool() throws(Declined) -> Bool {
        skipSpace()
        if next == UInt8(ascii: "t") {
            try word("true")
            return true
        }
        try word("false")
        return false
    }

    /// An integer written without fraction or exponent that fits 64 bits.
    mutating func int64() throws(Declined) -> Int64 {
        skipSpace()
        let negative = take(UInt8(ascii: "-"))
        guard let first = next, first >= 0x30, first <= 0x39 else { throw Declined() }
        var value: Int64 = 0
        let start = at
        while let c = next, c >= 0x30, c <= 0x39 {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(c - 0x30))
            guard !overflow1, !overflow2 else { throw Declined() }
            value = sum
            at += 1
        }
        // A leading zero before more digits is not JSON; a fraction or exponent is read otherwise.
        guard !(first == 0x30 && at - start > 1), !isNumberTail(next) else { throw Declined() }
        return negative ? -value : value
    }

    mutating func int32() throws(Declined) -> Int32 {
        guard let value = Int32(exactly: try int64()) else { throw Declined() }
        return value
    }

    /// A number written without exponent, as `Float` parses its text. JSONDecoder reads
    /// exponents its own way (it refuses `0e5` but takes `-0E5` and `0E+5`): declined.
    mutating func float() throws(Declined) -> Float {
        skipSpace()
        let start = at
        try skipNumber()
        let digits = UnsafeBufferPointer(rebasing: bytes[start..<at])
        guard !digits.contains(UInt8(ascii: "e")), !digits.contains(UInt8(ascii: "E")),
            let value = Float(String(decoding: digits, as: UTF8.self)), value.isFinite
        else { throw Declined() }
        // JSONDecoder refuses a number that rounds to zero from nonzero digits (0.000…016).
        if value == 0, digits.contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) { throw Declined() }
        return value
    }

    /// A string. Escapes are decoded; a lone surrogate, a control character or invalid
    /// UTF-8 is declined.
    mutating func string() throws(Declined) -> String {
        skipSpace()
        try expect(UInt8(ascii: "\""))
        let start = at
        var ascii = true
        while let c = next {
            switch c {
            case UInt8(ascii: "\""):
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<at])
                at += 1
                if ascii { return String(decoding: raw, as: UTF8.self) }
                guard let text = String(validating: raw, as: UTF8.self) else { throw Declined() }
                return text
            case UInt8(ascii: "\\"):
                at = start
                return try escapedString()
            case 0..<0x20:
                throw Declined()
            default:
                if c >= 0x80 { ascii = false }
                at += 1
            }
        }
        throw Declined()
    }

    /// The rest of a string holding escapes, from its first byte.
    private mutating func escapedString() throws(Declined) -> String {
        var out: [UInt8] = []
        while let c = next {
            at += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw Declined() }
                return text
            case UInt8(ascii: "\\"):
                guard let escaped = next else { throw Declined() }
                at += 1
                if let byte = JSONEscape.byte(for: escaped) {
                    out.append(byte)
                } else if escaped == UInt8(ascii: "u") {
                    try appendUnicodeEscape(to: &out)
                } else {
                    throw Declined()
                }
            case 0..<0x20:
                throw Declined()
            default:
                out.append(c)
            }
        }
        throw Declined()
    }

    /// After `\u`: a scalar (a surrogate pair takes a second `\u`), as UTF-8.
    private mutating func appendUnicodeEscape(to out: inout [UInt8]) throws(Declined) {
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")) else { throw Declined() }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw Declined() }
            scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw Declined()
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw Declined() }
        out.append(contentsOf: UTF8.encode(unicode)!)
    }

    private mutating func hex4() throws(Declined) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = next, let digit = JSONEscape.hexValue(c) else { throw Declined() }
            value = value << 4 | digit
            at += 1
        }
        return value
    }

    /// A member name without escapes (names with escapes are declined), as its bytes.
    private mutating func plainKey() throws(Declined) -> UnsafeBufferPointer<UInt8> {
        try expect(UInt8(ascii: "\""))
        let start = at
        while let c = next {
            if c == UInt8(ascii: "\"") {
                at += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<(at - 1)])
            }
            guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\\") else { throw Declined() }
            at += 1
        }
        throw Declined()
    }

    /// One more level of nesting, declined beyond ``maxDepth``.
    private mutating func enter() throws(Declined) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Declined() }
    }

    /// Checks and passes any one JSON value.
    private mutating func skipValue() throws(Declined) {
        skipSpace()
        switch next {
        case UInt8(ascii: "{"):
            at += 1
            try enter()
            defer { depth -= 1 }
            skipSpace()
            if take(UInt8(ascii: "}")) { return }
            repeat {
                skipSpace()
                _ = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                try skipValue()
                skipSpace()
            } while take(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            at += 1
            try enter()
            defer { depth -= 1 }
            skipSpace()
            if take(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue()
                skipSpace()
            } while take(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try word("true")
        case UInt8(ascii: "f"): try word("false")
        case UInt8(ascii: "n"): try word("null")
        default: try skipNumber()
        }
    }

    /// Passes a number as JSON's grammar writes it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func skipNumber() throws(Declined) {
        _ = take(UInt8(ascii: "-"))
        if take(UInt8(ascii: "0")) {
            if let c = next, c >= 0x30, c <= 0x39 { throw Declined() }
        } else {
            try digits()
        }
        if take(UInt8(ascii: ".")) { try digits() }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            try digits()
        }
    }

    /// One or more decimal digits.
    private mutating func digits() throws(Declined) {
        guard let c = next, c >= 0x30, c <= 0x39 else { throw Declined() }
        while let c = next, c >= 0x30, c <= 0x39 { at += 1 }
    }

    private func isNumberTail(_ byte: UInt8?) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    /// Exactly `text` (a JSON literal).
    private mutating func word(_ text: StaticString) throws(Declined) {
        let count = text.utf8CodeUnitCount
        guard at + count <= bytes.count else { throw Declined() }
        for i in 0..<count where bytes[at + i] != text.utf8Start[i] { throw Declined() }
        at += count
    }
}
