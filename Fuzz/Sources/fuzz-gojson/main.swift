import FuzzSupport
import WardenMachines

/// GoJSON, the reader of login bodies and JWT segments whose errors LAPI words as Go does.
/// No crash on any input; `parse` and `decodeFirst` agree on a document `parse` accepts;
/// a parsed tree written back as JSON parses to the same tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGoJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let first = Result { () throws(GoJSONError) in try GoJSON.decodeFirst(bytes) }
    guard let value = try? GoJSON.parse(bytes) else { return 0 }
    guard case .success(let same) = first, same == value else {
        preconditionFailure("parse read \(value) but decodeFirst gave \(first)")
    }
    var text: [UInt8] = []
    write(value, to: &text)
    let again: GoJSON
    do {
        again = try GoJSON.parse(text)
    } catch {
        preconditionFailure("GoJSON refuses its own tree written back: \(error.description): \(String(decoding: text, as: UTF8.self))")
    }
    precondition(again == value, "a tree written back reads differently: \(value) vs \(again)")
    return 0
}

private func write(_ value: GoJSON, to out: inout [UInt8]) {
    switch value {
    case .object(let members):
        out.append(UInt8(ascii: "{"))
        for (i, (key, member)) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            write(member, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    case .array(let items):
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            write(item, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    case .string(let text): writeString(text, to: &out)
    case .number(let text): out += Array(text.utf8)
    case .bool(let b): out += Array((b ? "true" : "false").utf8)
    case .null: out += Array("null".utf8)
    }
}

private func writeString(_ text: String, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
        case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}

@_cdecl("fuzz_gojson_main")
public func fuzzGoJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzGoJSON)
}
