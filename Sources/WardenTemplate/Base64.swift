// Base64 with the standard alphabet and padding, as Go's base64.StdEncoding.

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

func base64Encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let n = min(3, bytes.count - i)
        let chunk = (UInt32(bytes[i]) << 16) | (n > 1 ? UInt32(bytes[i + 1]) << 8 : 0) | (n > 2 ? UInt32(bytes[i + 2]) : 0)
        for k in 0..<4 {
            out.append(k <= n ? base64Alphabet[Int((chunk >> (18 - 6 * UInt32(k))) & 63)] : UInt8(ascii: "="))
        }
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}

/// Go's base64.StdEncoding.DecodeString, with its "illegal base64 data at input byte N" error.
func base64Decode(_ s: String) -> Result<[UInt8], FunctionError> {
    let input = Array(s.utf8).filter { $0 != 0x0A && $0 != 0x0D }
    var out: [UInt8] = []
    var i = 0
    while i < input.count {
        var values: [UInt32] = []
        var padding = 0
        for k in 0..<4 {
            guard i + k < input.count else { return .failure(FunctionError("illegal base64 data at input byte \(i + k == input.count && k == 0 ? i : input.count)")) }
            let c = input[i + k]
            if c == UInt8(ascii: "=") {
                guard k >= 2 else { return .failure(FunctionError("illegal base64 data at input byte \(i + k)")) }
                padding = 4 - k
                if k == 2 { guard i + 3 < input.count, input[i + 3] == UInt8(ascii: "=") else { return .failure(FunctionError("illegal base64 data at input byte \(min(i + 3, input.count))")) } }
                guard i + 4 == input.count else { return .failure(FunctionError("illegal base64 data at input byte \(i + 4)")) }
                break
            }
            guard let v = base64Alphabet.firstIndex(of: c) else { return .failure(FunctionError("illegal base64 data at input byte \(i + k)")) }
            values.append(UInt32(v))
        }
        while values.count < 4 { values.append(0) }
        let chunk = values.reduce(0) { $0 << 6 | $1 }
        let produced = 3 - padding
        for k in 0..<produced { out.append(UInt8((chunk >> (16 - 8 * UInt32(k))) & 0xFF)) }
        i += 4
    }
    return .success(out)
}
