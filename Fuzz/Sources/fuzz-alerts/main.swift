import FoundationEssentials
import FuzzSupport
import WardenAlerts

/// `POST /v1/alerts` bodies. `AlertBatchReader` is the NIO-free reader under WardenAPI's
/// `AlertBody.parse`; its contract is that it gives the very values `JSONDecoder` gives
/// with the types' `Decodable` conformances, or nil. So: no crash on any input, and when
/// it reads a body, `JSONDecoder` reads the same alerts, and each element it hands back
/// reads alone as the same alert.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAlerts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let read = AlertBatchReader.read(bytes) else { return 0 }
    precondition(read.alerts.count == read.elements.count, "one element per alert")
    let decoded: [Alert]
    do {
        decoded = try JSONDecoder().decode([Alert].self, from: Data(bytes))
    } catch {
        preconditionFailure("AlertBatchReader read a body JSONDecoder refuses: \(error)")
    }
    precondition(decoded == read.alerts, "AlertBatchReader and JSONDecoder read different alerts:\n\(read.alerts)\n\(decoded)")
    for (alert, element) in zip(read.alerts, read.elements) {
        let alone = AlertBatchReader.read(Array("[".utf8) + Array(element) + Array("]".utf8))
        precondition(alone?.alerts == [alert], "an element read alone is not the same alert")
    }
    return 0
}

@_cdecl("fuzz_alerts_main")
public func fuzzAlertsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzAlerts)
}
