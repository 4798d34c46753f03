import FuzzSupport
import WardenMetricNames

/// The Prometheus text `warden metrics` reads from the daemon. No crash on any input;
/// the samples read, written back as Prometheus text, read the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrometheus(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let samples = try? PrometheusText.parse(text) else { return 0 }
    var written = ""
    for sample in samples {
        written += sample.name
        if !sample.labels.isEmpty {
            let labels = sample.labels.map { name, value in
                // Escaped byte by byte: a quote followed by a combining mark is one Character.
                var escaped: [UInt8] = []
                for byte in value.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): escaped += [UInt8(ascii: "\\"), byte]
                    case UInt8(ascii: "\n"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                    default: escaped.append(byte)
                    }
                }
                return "\(name)=\"\(String(decoding: escaped, as: UTF8.self))\""
            }
            written += "{" + labels.joined(separator: ",") + "}"
        }
        let value =
            sample.value.isNaN ? "NaN" : sample.value == .infinity ? "+Inf" : sample.value == -.infinity ? "-Inf" : "\(sample.value)"
        written += " \(value)\n"
    }
    let again: [PrometheusSample]
    do {
        again = try PrometheusText.parse(written)
    } catch {
        preconditionFailure("samples written back do not read: \(error)\n\(written)")
    }
    precondition(again.count == samples.count, "\(samples.count) samples read back as \(again.count)")
    for (a, b) in zip(samples, again) {
        let sameValue = a.value == b.value || (a.value.isNaN && b.value.isNaN)
        precondition(a.name == b.name && a.labels.elementsEqual(b.labels, by: ==) && sameValue, "\(a) read back as \(b)")
    }
    return 0
}

@_cdecl("fuzz_prometheus_main")
public func fuzzPrometheusMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPrometheus)
}
