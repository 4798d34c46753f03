#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named time zones ("Europe/Paris"), read from the system's zoneinfo files
/// as Go's `time.LoadLocation` reads them, for sprig's `dateInZone`.
extension GoTime {
    /// The zone `name` gives at `seconds`, or nil when no zoneinfo file has that name.
    static func zone(named name: String, at seconds: Int64) -> Zone? {
        // Go refuses names that could escape the zoneinfo directory.
        guard !name.hasPrefix("/"), !name.contains(".."), !name.contains("\\") else { return nil }
        let roots = [getenv("ZONEINFO").map { String(cString: $0) }, "/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/"]
        for case let root? in roots {
            let path = root.hasSuffix("/") ? root + name : root + "/" + name
            if let bytes = readFile(path), let zone = TZif(bytes)?.zone(at: seconds) { return zone }
        }
        return nil
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[..<n]
            if bytes.count > 1 << 20 { return nil }
        }
        return bytes
    }
}

/// A TZif file (RFC 8536): transition times and the zone types they switch to.
private struct TZif {
    var transitions: [Int64] = []
    var typeIndexes: [Int] = []
    var types: [(offset: Int, name: String)] = []

    init?(_ b: [UInt8]) {
        guard b.count >= 44, b[0..<4].elementsEqual("TZif".utf8) else { return nil }
        func be(_ at: Int, _ size: Int) -> Int64 {
            var v: Int64 = 0
            for k in 0..<size { v = v << 8 | Int64(b[at + k]) }
            // Sign-extend 32-bit values.
            if size == 4 && v >= 1 << 31 { v -= 1 << 32 }
            return v
        }
        func counts(_ at: Int) -> [Int] { (0..<6).map { Int(be(at + 20 + 4 * $0, 4)) } }
        var header = 0
        var timeSize = 4
        var c = counts(0)
        if b[4] >= UInt8(ascii: "2") {
            // Skip the version 1 block and read the 64-bit one that follows it.
            let v1 = c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]
            header = 44 + v1
            guard b.count >= header + 44 else { return nil }
            c = counts(header)
            timeSize = 8
        }
        let (isUTCCount, isStdCount, leapCount, timeCount, typeCount, charCount) = (c[0], c[1], c[2], c[3], c[4], c[5])
        _ = (isUTCCount, isStdCount, leapCount)
        var at = header + 44
        guard b.count >= at + timeCount * (timeSize + 1) + typeCount * 6 + charCount, typeCount > 0 else { return nil }
        for i in 0..<timeCount { transitions.append(be(at + i * timeSize, timeSize)) }
        at += timeCount * timeSize
        for i in 0..<timeCount { typeIndexes.append(Int(b[at + i])) }
        at += timeCount
        let charsAt = at + typeCount * 6
        for i in 0..<typeCount {
            let offset = Int(be(at + i * 6, 4))
            let nameIndex = Int(b[at + i * 6 + 5])
            var end = charsAt + nameIndex
            while end < charsAt + charCount, b[end] != 0 { end += 1 }
            types.append((offset, String(decoding: b[(charsAt + nameIndex)..<end], as: UTF8.self)))
        }
        guard typeIndexes.allSatisfy({ $0 < typeCount }) else { return nil }
    }

    /// The zone in force at `seconds`: the type of the last transition at or before it.
    func zone(at seconds: Int64) -> GoTime.Zone? {
        var index = 0
        if let last = transitions.lastIndex(where: { $0 <= seconds }) {
            index = typeIndexes[last]
        } else if let firstStandard = types.indices.first {
            index = firstStandard
        }
        let t = types[index]
        return GoTime.Zone(name: t.name, offsetSeconds: t.offset)
    }
}
