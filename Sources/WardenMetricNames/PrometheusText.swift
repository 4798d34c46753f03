/// One sample of Prometheus' text exposition format: `name{label="value",...} value`.
public struct PrometheusSample: Sendable, Equatable {
    public var name: String
    /// The labels in the order written.
    public var labels: [(String, String)]
    public var value: Double

    public init(name: String, labels: [(String, String)], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    /// The value of label `name`, if the sample has it.
    public subscript(label name: String) -> String? {
        labels.first { $0.0 == name }?.1
    }

    public static func == (a: PrometheusSample, b: PrometheusSample) -> Bool {
        a.name == b.name && a.value == b.value && a.labels.elementsEqual(b.labels) { $0 == $1 }
    }
}

/// A line of exposition text that is not a comment, a blank line or a sample.
public struct PrometheusTextError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public var line: Int
    public var reason: String

    public var description: String { "line \(line): \(reason)" }
}

/// A reader of Prometheus' text exposition format (version 0.0.4), by hand: `warden
/// metrics` runs without Foundation, and only needs samples (`# HELP`/`# TYPE` lines are
/// skipped; a histogram is its `_bucket`, `_sum` and `_count` samples).
public enum PrometheusText {
    /// The samples of `text`, in order.
    /// - Throws: ``PrometheusTextError`` naming the first malformed line.
    public static func parse(_ text: String) throws(PrometheusTextError) -> [PrometheusSample] {
        var samples: [PrometheusSample] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let bytes = Array(line.utf8)
            guard let first = bytes.firstIndex(where: { $0 != space && $0 != tab }), bytes[first] != hash else { continue }
            do throws(Failure) {
                samples.append(try sample(bytes, from: first))
            } catch {
                throw PrometheusTextError(line: number, reason: error.reason)
            }
        }
        return samples
    }

    private struct Failure: Error {
        let reason: String
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), hash = UInt8(ascii: "#")
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    private static func sample(_ bytes: [UInt8], from start: Int) throws(Failure) -> PrometheusSample {
        var i = start
        while i < bytes.count, isNameByte(bytes[i]) { i += 1 }
        guard i > start else { throw Failure(reason: "expected a metric name") }
        let name = String(decoding: bytes[start..<i], as: UTF8.self)
        var labels: [(String, String)] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: "{") {
            i += 1
            while true {
                skipBlanks(bytes, &i)
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; break }
                let nameStart = i
                while i < bytes.count, isNameByte(bytes[i]) { i += 1 }
                guard i > nameStart, i < bytes.count, bytes[i] == UInt8(ascii: "="),
                    i + 1 < bytes.count, bytes[i + 1] == quote
                else { throw Failure(reason: "expected label=\"value\" in the labels of \(name)") }
                let label = String(decoding: bytes[nameStart..<i], as: UTF8.self)
                i += 2
                labels.append((label, try labelValue(bytes, &i, of: name)))
                skipBlanks(bytes, &i)
                if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else {
                    throw Failure(reason: "expected ',' or '}' in the labels of \(name)")
                }
                i += 1
                break
            }
        }
        skipBlanks(bytes, &i)
        let valueStart = i
        while i < bytes.count, bytes[i] != space, bytes[i] != tab { i += 1 }
        let text = String(decoding: bytes[valueStart..<i], as: UTF8.self)
        guard let value = number(text) else { throw Failure(reason: "'\(text)' is not the value of \(name)") }
        return PrometheusSample(name: name, labels: labels, value: value)  // a timestamp after it is ignored
    }

    /// A quoted label value from after its opening quote; `\\`, `\"` and `\n` unescaped.
    private static func labelValue(_ bytes: [UInt8], _ i: inout Int, of name: String) throws(Failure) -> String {
        var value: [UInt8] = []
        while i < bytes.count {
            let byte = bytes[i]
            i += 1
            if byte == quote { return String(decoding: value, as: UTF8.self) }
            guard byte == backslash else { value.append(byte); continue }
            guard i < bytes.count else { break }
            let escaped = bytes[i]
            i += 1
            value.append(escaped == UInt8(ascii: "n") ? UInt8(ascii: "\n") : escaped)
        }
        throw Failure(reason: "a label value of \(name) has no closing quote")
    }

    private static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"):
            true
        default: false
        }
    }

    private static func skipBlanks(_ bytes: [UInt8], _ i: inout Int) {
        while i < bytes.count, bytes[i] == space || bytes[i] == tab { i += 1 }
    }
}
