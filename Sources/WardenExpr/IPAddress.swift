/// An IP address parsed as Go's net.ParseIP parses it: dotted IPv4 (Go 1.17+
/// refuses leading zeros), or IPv6 with `::` and an optional dotted IPv4 tail.
/// Kept as 16 bytes; IPv4 as `::ffff:a.b.c.d`.
struct IPAddress: Equatable {
    var bytes: [UInt8]

    /// The 4 bytes of an IPv4 (or IPv4-mapped) address, as Go's To4.
    var v4: [UInt8]? {
        bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF ? Array(bytes[12...]) : nil
    }

    init?(_ text: String) {
        if let v4 = Self.parseV4(Substring(text)) {
            bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4
        } else if let v6 = Self.parseV6(Substring(text)) {
            bytes = v6
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let n = Int(part), n <= 255, part.count == 1 || part.first != "0"
            else { return nil }
            out.append(UInt8(n))
        }
        return out
    }

    static func parseV6(_ text: Substring) -> [UInt8]? {
        var head: [UInt8] = []
        var tail: [UInt8] = []
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        // A dotted IPv4 tail may end the address only: after `::`, or in a full 8-group form.
        guard let first = groups(halves[0], allowV4: halves.count == 1) else { return nil }
        head = first
        if halves.count == 2 {
            guard let second = groups(halves[1], allowV4: true) else { return nil }
            tail = second
            guard head.count + tail.count <= 14 else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
        }
        return head.count == 16 ? head : nil
    }

    private static func groups(_ text: Substring, allowV4: Bool) -> [UInt8]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var out: [UInt8] = []
        for (i, part) in parts.enumerated() {
            if i == parts.count - 1, part.contains("."), allowV4 {
                guard let v4 = parseV4(part) else { return nil }
                out += v4
                continue
            }
            guard !part.isEmpty, part.count <= 4, let n = UInt16(part, radix: 16) else { return nil }
            out += [UInt8(n >> 8), UInt8(n & 0xFF)]
        }
        return out
    }

    /// Go's net.IP.String: dotted for IPv4, otherwise RFC 5952 (longest zero run as `::`).
    var description: String {
        if let v4 { return v4.map(String.init).joined(separator: ".") }
        let words = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var bestStart = -1
        var bestLength = 0
        var i = 0
        while i < 8 {
            var j = i
            while j < 8 && words[j] == 0 { j += 1 }
            if j - i > bestLength && j - i >= 2 {
                bestStart = i
                bestLength = j - i
            }
            i = j == i ? i + 1 : j
        }
        var out = ""
        var k = 0
        while k < 8 {
            if k == bestStart {
                out += "::"
                k += bestLength
                continue
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(words[k], radix: 16)
            k += 1
        }
        return out
    }
}

extension Substring {
    fileprivate func components(separatedBy separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}

/// A network as Go's net.ParseCIDR reads it, and its Contains.
struct IPNetwork {
    var address: [UInt8]
    var bits: Int

    init?(cidr: String) {
        guard let slash = cidr.firstIndex(of: "/") else { return nil }
        let ipText = cidr[..<slash]
        let bitsText = cidr[cidr.index(after: slash)...]
        guard !bitsText.isEmpty, bitsText.allSatisfy({ $0.isASCII && $0.isNumber }), let bits = Int(bitsText) else {
            return nil
        }
        if let v4 = IPAddress.parseV4(ipText) {
            guard bits <= 32 else { return nil }
            address = v4
            self.bits = bits
        } else if let v6 = IPAddress.parseV6(ipText) {
            guard bits <= 128 else { return nil }
            // Go compares an IPv4-mapped network as IPv4, with the last 32 bits of its mask.
            if let v4 = IPAddress(bytes: v6).v4 {
                address = v4
                self.bits = max(0, bits - 96)
            } else {
                address = v6
                self.bits = bits
            }
        } else {
            return nil
        }
    }

    func contains(_ ip: IPAddress) -> Bool {
        let candidate = ip.v4 ?? ip.bytes
        guard candidate.count == address.count else { return false }
        return Self.masked(candidate, bits) == Self.masked(address, bits)
    }

    static func masked(_ bytes: [UInt8], _ bits: Int) -> [UInt8] {
        bytes.enumerated().map { i, byte in
            let keep = max(0, min(8, bits - i * 8))
            return keep == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }

    /// iplib's NewNet(ip, bits).String(), as CrowdSec's IpToRange returns it; "" when
    /// the mask does not fit the address family.
    static func rangeString(_ ip: IPAddress, bits: Int) -> String {
        if let v4 = ip.v4 {
            guard (0...32).contains(bits) else { return "" }
            return IPAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + masked(v4, bits)).description
                + "/\(bits)"
        }
        guard (0...128).contains(bits) else { return "" }
        return IPAddress(bytes: masked(ip.bytes, bits)).description + "/\(bits)"
    }
}
