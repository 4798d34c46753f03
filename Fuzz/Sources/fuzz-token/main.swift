import Crypto
import FuzzSupport
import WardenMachines

/// Machine tokens (the `Authorization: Bearer` JWT of every agent request). The input is
/// verified as sent; then, so the fuzzer works on the JSON rather than on base64 and gets
/// past the signature, it is read as `HEADER-JSON\nCLAIMS-JSON` (or CLAIMS-JSON alone,
/// under Warden's header), encoded, signed with the key as a token Warden issued would
/// be, and verified. No crash on any input; a token issued for a name verifies as it.
private let secret = Array("warden-fuzz-secret-0123456789abcdef".utf8)
private let tokens = MachineToken(secret: secret)
private let now: Int64 = 1_800_000_000

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? tokens.verify(String(decoding: bytes, as: UTF8.self), nowSeconds: now)

    let header: ArraySlice<UInt8>, claims: ArraySlice<UInt8>
    if let newline = bytes.firstIndex(of: 0x0A) {
        header = bytes[..<newline]
        claims = bytes[(newline + 1)...]
    } else {
        header = ArraySlice(#"{"alg":"HS256","typ":"JWT"}"#.utf8)
        claims = bytes[...]
    }
    let input = base64URL(Array(header)) + "." + base64URL(Array(claims))
    let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
    _ = try? tokens.verify(input + "." + base64URL(Array(mac)), nowSeconds: now)

    let name = String(decoding: claims.prefix(64), as: UTF8.self)
    let issued = tokens.issue(machine: name, nowSeconds: now)
    let verified = try? tokens.verify(issued.token, nowSeconds: now)
    precondition(verified == name, "a token issued for \(name) verifies as \(String(describing: verified))")
    return 0
}

private func base64URL(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    var out: [UInt8] = []
    var i = 0
    while i + 2 < bytes.count {
        let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
        i += 3
    }
    if bytes.count - i == 1 {
        let n = UInt32(bytes[i]) << 16
        out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
    } else if bytes.count - i == 2 {
        let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
        out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
    }
    return String(decoding: out, as: UTF8.self)
}

@_cdecl("fuzz_token_main")
public func fuzzTokenMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzToken)
}
