import Crypto
import FuzzSupport
import WardenMachines

/// Machine tokens (the `Authorization: Bearer` JWT of every agent request). The input is
/// verified as sent, and, so the fuzzer gets past the signature to the claims, its first
/// two segments are also verified signed with the key (as a token Warden issued would be).
/// No crash on any input; a token Warden issues verifies.
private let secret = Array("warden-fuzz-secret-0123456789abcdef".utf8)
private let tokens = MachineToken(secret: secret)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? tokens.verify(text, nowSeconds: 1_800_000_000)
    let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count >= 2 else { return 0 }
    let input = parts[0] + "." + parts[1]
    let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
    _ = try? tokens.verify(input + "." + base64URL(Array(mac)), nowSeconds: 1_800_000_000)
    // And a token issued for a name taken from the input verifies as that name.
    let name = String(parts[0].prefix(64))
    let issued = tokens.issue(machine: name, nowSeconds: 1_800_000_000)
    let verified = try? tokens.verify(issued.token, nowSeconds: 1_800_000_000)
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
