/// JSON strings escaped byte for byte as Go 1.19's `encoding/json` escapes them
/// (what CrowdSec 1.4.6's `gin` answers are made with), so Warden's bodies equal
/// CrowdSec's: `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes, control
/// characters as `\n`, `\r`, `\t` or `\u00xx`, everything else as is.
public enum JSONText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a quoted JSON string.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most texts (addresses, scenarios, origins) need no escape: copied at once.
        if !text.utf8.contains(where: needsEscape) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case UInt8(ascii: "\n"):
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"):
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"):
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case ..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                appendUnicodeEscape(UInt16(byte), to: &bytes)
            case 0xE2 where utf8.count >= 3 && utf8.dropFirst().first == 0x80
                && (utf8.dropFirst(2).first == 0xA8 || utf8.dropFirst(2).first == 0xA9):
                // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR end lines in JavaScript.
                appendUnicodeEscape(utf8.dropFirst(2).first == 0xA8 ? 0x2028 : 0x2029, to: &bytes)
                utf8 = utf8.dropFirst(2)
            default:
                bytes.append(byte)
            }
            utf8 = utf8.dropFirst()
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether `byte` may start something Go escapes: a quote, a backslash, a control
    /// character, `<`, `>`, `&`, or the first byte of U+2028/U+2029.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == 0xE2
    }

    /// `\uXXXX` with lowercase hex digits, as Go writes it.
    private static func appendUnicodeEscape(_ unit: UInt16, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(hexDigits[Int(unit >> UInt16(shift) & 0xF)])
        }
    }
}
