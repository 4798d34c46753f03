import Logging

/// Re-logs a plugin's standard error through swift-log. CrowdSec's plugins log with
/// hclog as one JSON object a line (`{"@level":"info","@message":"...","@module":...}`);
/// anything else (a Go panic, a stray print) is passed on as a warning, verbatim.
enum PluginLogRelay {
    static func relay(_ line: String, plugin: String, logger: Logger) {
        guard !line.isEmpty else { return }
        guard let fields = FlatJSON.object(line), let message = fields["@message"] else {
            logger.warning("\(line)", metadata: ["plugin": "\(plugin)"])
            return
        }
        var metadata: Logger.Metadata = ["plugin": "\(plugin)"]
        for (key, value) in fields where !["@message", "@level", "@timestamp"].contains(key) {
            metadata[key.hasPrefix("@") ? String(key.dropFirst()) : key] = "\(value)"
        }
        logger.log(level: level(fields["@level"]), "\(message)", metadata: metadata)
    }

    private static func level(_ name: String?) -> Logger.Level {
        switch name {
        case "trace": .trace
        case "debug": .debug
        case "warn", "warning": .warning
        case "error": .error
        default: .info
        }
    }
}

/// Reads one flat JSON object: string values decoded, other values kept as their raw
/// text. Enough for hclog's lines; nil for anything that is not an object.
enum FlatJSON {
    static func object(_ text: String) -> [String: String]? {
        var scanner = Scanner(Array(text.utf8))
        return scanner.object()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var at = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func object() -> [String: String]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var fields: [String: String] = [:]
            skipSpace()
            if take(UInt8(ascii: "}")) { return fields }
            repeat {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let value = at < bytes.count && bytes[at] == UInt8(ascii: "\"") ? string() : raw() else {
                    return nil
                }
                fields[key] = value
                skipSpace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) ? fields : nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        private mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        /// A string's decoded text; `\uXXXX` outside the BMP pairs are kept as two replacement characters.
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var out: [UInt8] = []
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    continue
                }
                guard at < bytes.count else { return nil }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard at + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16)
                    else { return nil }
                    at += 4
                    out += Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(escape)
                }
            }
            return nil
        }

        /// A number, `true`, `false`, `null`, or a nested value, as written.
        private mutating func raw() -> String? {
            let start = at
            var depth = 0
            var inString = false
            while at < bytes.count {
                let byte = bytes[at]
                if inString {
                    if byte == UInt8(ascii: "\\") { at += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    if depth == 0 { break }
                    depth -= 1
                } else if byte == UInt8(ascii: ",") && depth == 0 {
                    break
                }
                at += 1
            }
            let text = String(decoding: bytes[start..<min(at, bytes.count)], as: UTF8.self)
            return text.isEmpty ? nil : text
        }
    }
}
