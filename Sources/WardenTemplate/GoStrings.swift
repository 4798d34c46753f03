// String operations as Go's strings and os packages do them: by scalar, not by grapheme.

func isGoSpace(_ c: Unicode.Scalar) -> Bool {
    switch c.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0: true
    default: c.value > 0xFF && c.properties.isWhitespace
    }
}

/// Go's unicode.ToUpper: one scalar to one scalar ("ß" stays "ß").
func goUpper(_ c: Unicode.Scalar) -> Unicode.Scalar {
    let mapped = c.properties.uppercaseMapping.unicodeScalars
    return mapped.count == 1 ? mapped.first! : c
}

func goLower(_ c: Unicode.Scalar) -> Unicode.Scalar {
    let mapped = c.properties.lowercaseMapping.unicodeScalars
    return mapped.count == 1 ? mapped.first! : c
}

func isTitleSeparator(_ c: Unicode.Scalar) -> Bool {
    if c.value <= 0x7F {
        switch c {
        case "0"..."9", "a"..."z", "A"..."Z", "_": return false
        default: return true
        }
    }
    if c.properties.isAlphabetic || c.properties.numericType != nil { return false }
    return c.properties.isWhitespace
}

/// Go's strings.Title: the first letter of each word in title case.
func goTitle(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    var previous: Unicode.Scalar = " "
    for c in s.unicodeScalars {
        if isTitleSeparator(previous) {
            let mapped = c.properties.titlecaseMapping.unicodeScalars
            out.append(mapped.count == 1 ? mapped.first! : c)
        } else {
            out.append(c)
        }
        previous = c
    }
    return String(out)
}

/// Go's strings.Split (and SplitN with `limit`): an empty separator splits into characters.
func goSplit(_ s: String, _ sep: String, limit: Int = -1) -> [String] {
    if limit == 0 { return [] }
    if sep.isEmpty {
        var parts = s.unicodeScalars.map { String($0) }
        if limit > 0 && parts.count > limit {
            let tail = parts[(limit - 1)...].joined()
            parts = Array(parts[..<(limit - 1)]) + [tail]
        }
        return parts
    }
    var parts: [String] = []
    var rest = Substring(s)
    while limit < 0 || parts.count < limit - 1, let range = rest.firstRange(of: sep) {
        parts.append(String(rest[..<range.lowerBound]))
        rest = rest[range.upperBound...]
    }
    parts.append(String(rest))
    return parts
}

extension String {
    /// Go's strings.TrimFunc.
    func trimmingGo(where predicate: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !predicate($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !predicate($0) })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

/// Go's os.Expand over `environment`: $VAR and ${VAR}.
func expand(_ s: String, _ environment: Sprig.Environment) -> String {
    let b = Array(s.utf8)
    var out: [UInt8] = []
    var i = 0
    func isNameByte(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
    while i < b.count {
        guard b[i] == UInt8(ascii: "$"), i + 1 < b.count else { out.append(b[i]); i += 1; continue }
        var name: [UInt8] = []
        var width = 0
        if b[i + 1] == UInt8(ascii: "{") {
            if let close = b[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                name = Array(b[(i + 2)..<close])
                width = close - i + 1
                if name.isEmpty { i += width; continue }  // "${}" is dropped
            } else {
                i += 2  // bad syntax: "${" eaten
                continue
            }
        } else if "*#$@!?-".utf8.contains(b[i + 1]) || (0x30...0x39).contains(b[i + 1]) {
            name = [b[i + 1]]
            width = 2
        } else {
            var j = i + 1
            while j < b.count, isNameByte(b[j]) { j += 1 }
            name = Array(b[(i + 1)..<j])
            width = j - i
            if name.isEmpty { out.append(b[i]); i += 1; continue }
        }
        out += Array((environment(String(decoding: name, as: UTF8.self)) ?? "").utf8)
        i += width
    }
    return String(decoding: out, as: UTF8.self)
}

