/// Decodes a quoted string literal with expr's escapes (those of Go and Google
/// SQL: `\n`, `\'`, `\"`, `` \` ``, `\?`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`, `\ooo`).
enum StringLiteral {
    struct Failure: Error {
        var message: String
    }

    static func unescape(_ quoted: String) -> Result<String, Failure> {
        // Literals normalise CR LF and CR to LF, as expr does before decoding.
        var scalars = Array(quoted.replacingCRLF().unicodeScalars)
        guard scalars.count >= 2, scalars.first == scalars.last, scalars.first == "\"" || scalars.first == "'" else {
            return .failure(Failure(message: "unable to unescape string"))
        }
        scalars = Array(scalars[1..<(scalars.count - 1)])
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            guard c == "\\" else {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < scalars.count else {
                return .failure(Failure(message: "unable to unescape string, found '\\' as last character"))
            }
            let e = scalars[i + 1]
            i += 2
            switch e {
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "\\", "'", "\"", "`", "?": out.append(e)
            case "x", "X", "u", "U":
                let n = e == "u" ? 4 : e == "U" ? 8 : 2
                guard i + n <= scalars.count else { return .failure(Failure(message: "unable to unescape string")) }
                var v: UInt32 = 0
                for j in 0..<n {
                    guard let x = hexValue(scalars[i + j]) else {
                        return .failure(Failure(message: "unable to unescape string"))
                    }
                    v = v << 4 | x
                }
                i += n
                guard v <= 0x10FFFF else { return .failure(Failure(message: "unable to unescape string")) }
                // Go writes U+FFFD for a surrogate or an invalid rune.
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            case "0", "1", "2", "3":
                guard i + 2 <= scalars.count else {
                    return .failure(Failure(message: "unable to unescape octal sequence in string"))
                }
                var v = e.value - 48
                for j in 0..<2 {
                    let x = scalars[i + j]
                    guard ("0"..."7").contains(x) else {
                        return .failure(Failure(message: "unable to unescape octal sequence in string"))
                    }
                    v = v * 8 + (x.value - 48)
                }
                i += 2
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            default:
                return .failure(Failure(message: "unable to unescape string"))
            }
        }
        return .success(String(out))
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 48
        case "a"..."f": return c.value - 97 + 10
        case "A"..."F": return c.value - 65 + 10
        default: return nil
        }
    }
}

extension String {
    fileprivate func replacingCRLF() -> String {
        var out = String.UnicodeScalarView()
        var previousCR = false
        for c in unicodeScalars {
            if c == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if c == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(c)
        }
        return String(out)
    }
}
