import WardenBasics
import WardenDecisions
import WardenModel
import XCTest

/// Warden's wire encoding against Go's own, byte for byte: durations
/// (`time.Duration.String()`) and whole decision objects (`encoding/json`).
/// Skipped, saying why, when `go` is not installed.
final class GoOracleTests: XCTestCase {
    func testDurationsMatchGo() throws {
        var generator = SeededGenerator(seed: 20_261_124)
        var samples: [Int64] = [0, 1, -1, .max, .min, .max - 1, .min + 1]
        // Every unit boundary, just below, on and just above, both signs.
        for boundary: Int64 in [1_000, 1_000_000, 1_000_000_000, 60 * second, 3_600 * second] {
            for ns in [boundary - 1, boundary, boundary + 1] { samples += [ns, -ns] }
        }
        // Random values of every magnitude, and round ones with trailing zeros.
        for _ in 0..<3_000 {
            let bits = Int.random(in: 0...63, using: &generator)
            let magnitude = Int64(truncatingIfNeeded: generator.next() >> UInt64(64 - max(bits, 1)))
            let value = Bool.random(using: &generator) ? magnitude : -magnitude
            samples.append(value)
            samples.append(value / 1_000 * 1_000)
        }
        let expected = try GoOracle.answers(samples.map { "d \($0)" })
        XCTAssertEqual(expected.count, samples.count)
        var mismatches = 0
        for (ns, goText) in zip(samples, expected) where GoDuration.format(nanoseconds: ns) != goText {
            mismatches += 1
            if mismatches <= 10 { XCTFail("\(ns): Go writes \(goText), Warden \(GoDuration.format(nanoseconds: ns))") }
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testDecisionObjectsMatchGo() throws {
        var generator = SeededGenerator(seed: 7)
        // Characters Go's encoder treats specially, and some it does not.
        let alphabet: [Character] =
            (0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }
            + ["\u{7F}", "\u{80}", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}", "<", ">", "&", "\"", "\\", "/",
               "'", "é", "µ", "😀", "中", "\u{FFFD}", "\u{FEFF}", "a", "Z", "0", " ", "-", "_", ":"]
        func randomText() -> String {
            String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        let values = ["192.0.2.1", "198.51.100.0/24", "2001:db8::1", "2001:db8::/32", "0.0.0.0/0", "::/0"]
        let now: Int64 = 1_795_435_200_000_000_000
        var decisions: [Decision] = []
        var requests: [String] = []
        func hex(_ text: String) -> String {
            let digits = Array("0123456789abcdef")
            return String(text.utf8.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
        }
        for index in 0..<1_000 {
            let d = decision(
                Int64.random(in: 1...Int64.max, using: &generator), values[index % values.count],
                until: now + Int64.random(in: -10_000 * second...10_000 * second, using: &generator),
                origin: randomText(), type: randomText(), scenario: randomText())
            decisions.append(d)
            requests.append(
                "j \(d.id) \(d.untilNs - now) \(hex(d.origin)) \(hex(d.scenario)) \(hex(d.scope)) \(hex(d.type)) \(hex(d.value))")
        }
        let expected = try GoOracle.answers(requests)
        XCTAssertEqual(expected.count, decisions.count)
        var mismatches = 0
        for (d, goJSON) in zip(decisions, expected) {
            var bytes: [UInt8] = []
            DecisionJSON.appendDecision(d, nowNs: now, to: &bytes)
            if bytes != Array(goJSON.utf8) {
                mismatches += 1
                if mismatches <= 10 { XCTFail("Go writes\n\(goJSON)\nWarden writes\n\(String(decoding: bytes, as: UTF8.self))") }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
