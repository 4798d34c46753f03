import Foundation
import WardenAlerts
import XCTest

/// The fast reader of alert bodies gives what `JSONDecoder` gives, or declines: checked
/// on the captured bodies, on thousands of generated ones, and on malformed ones.
final class AlertBatchReaderTests: XCTestCase {
    private func decoded(_ text: String) -> [Alert]? {
        try? JSONDecoder().decode([Alert].self, from: Data(text.utf8))
    }

    /// The reader's answer for `text` agrees with `JSONDecoder`'s; returns whether it read it.
    @discardableResult
    private func assertAgrees(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let bytes = Array(text.utf8)
        let fast = AlertBatchReader.read(bytes)
        guard let general = decoded(text) else {
            XCTAssertNil(fast, "read what JSONDecoder refuses: \(text)", file: file, line: line)
            return false
        }
        guard let fast else { return false }
        XCTAssertEqual(fast.alerts, general, text, file: file, line: line)
        XCTAssertEqual(fast.elements.count, general.count, file: file, line: line)
        for element in fast.elements {
            // Each element is one alert's bytes as sent: an object, read alone alike.
            let alone = "[" + String(decoding: element, as: UTF8.self) + "]"
            XCTAssertEqual(decoded(alone)?.count, 1, alone, file: file, line: line)
        }
        return true
    }

    func testCapturedBodiesAreReadAlike() {
        XCTAssertTrue(assertAgrees(AlertCodingTests.cscliAddIP))
        XCTAssertTrue(assertAgrees(AlertCodingTests.agentAlert))
        XCTAssertTrue(assertAgrees("[" + AlertCodingTests.cscliAddIP.dropFirst().dropLast() + " ,\n\t" + AlertCodingTests.agentAlert.dropFirst()))
        XCTAssertTrue(assertAgrees("[]"))
        XCTAssertTrue(assertAgrees(" [ {} ] "))
    }

    func testElementsAreTheBytesOfEachAlert() throws {
        let text = #"[ {"scenario":"a"} ,{"scenario":"b","labels":["x"]}]"#
        let read = try XCTUnwrap(AlertBatchReader.read(Array(text.utf8)))
        XCTAssertEqual(read.elements.map { String(decoding: $0, as: UTF8.self) }, [#"{"scenario":"a"}"#, #"{"scenario":"b","labels":["x"]}"#])
    }

    func testGeneratedBodiesAreReadAlike() {
        var generator = BodyGenerator(seed: 0x5EED_A1E7)
        var read = 0
        for _ in 0..<3000 {
            if assertAgrees(generator.body()) { read += 1 }
        }
        // The generator writes only what the reader is meant to read: it must read them all.
        XCTAssertEqual(read, 3000)
    }

    func testStringsWithEscapesAndUnicodeAreReadAlike() {
        for value in [
            #"a\"b"#, #"back\\slash"#, #"\/"#, #"\b\f\n\r\t"#, #"\u00e9t\u00C9"#, #"\ud83d\ude00"#, "é raw ✓", #"\u0000"#,
            #"mixed é and \u00e9"#,
        ] {
            XCTAssertTrue(assertAgrees(#"[{"message":""# + value + #"","source":{"value":""# + value + #""}}]"#), value)
        }
    }

    func testNumbersAreReadAlike() {
        for number in ["0", "-0", "7", "-2147483648", "2147483647", "12"] {
            XCTAssertTrue(assertAgrees(#"[{"capacity":"# + number + #","events_count":"# + number + "}]"), number)
        }
        for number in ["48.8582", "-122.4194", "0.1", "0.001", "-0.0", "340282350000000000000000000000000000000", "45", "0"] {
            XCTAssertTrue(assertAgrees(#"[{"source":{"latitude":"# + number + #","longitude":"# + number + "}}]"), number)
        }
        // Exponents are JSONDecoder's to read (it refuses 0e5, takes 0E+5): declined, or agreed.
        for number in ["1e-3", "2.5E2", "3.4028235e38", "1.17549435e-38", "0e5", "0E5", "-0E5", "0E+5"] {
            XCTAssertNil(AlertBatchReader.read(Array(#"[{"source":{"latitude":\#(number)}}]"#.utf8)), number)
            assertAgrees(#"[{"source":{"latitude":\#(number)}}]"#)
        }
        XCTAssertTrue(assertAgrees(#"[{"id":9223372036854775807}]"#))
    }

    /// Malformed or unusual bodies: declined, so `Decodable` words the error (or reads
    /// what it accepts and the reader does not attempt).
    func testWhatItIsNotSureOfIsDeclined() {
        for text in [
            "", "null", "{}", "[", "[{}", "[{},]", "[{}] x", "[{} {}]", #"[{"scenario":"a",}]"#, #"[{"scenario"}]"#,
            #"[{"capacity":1.0}]"#, #"[{"capacity":1e2}]"#, #"[{"capacity":01}]"#, #"[{"capacity":2147483648}]"#,
            #"[{"capacity":"1"}]"#, #"[{"scenario":1}]"#, #"[{"remediation":"true"}]"#, #"[{"decisions":{}}]"#,
            #"[{"scenario":"a","scenario":"b"}]"#, #"[{"sc\u0065nario":"a"}]"#, #"[{"message":"\ud83d"}]"#,
            #"[{"message":"\udc00x"}]"#, "[{\"message\":\"tab\there\"}]", #"[{"message":"\x"}]"#, #"[{"message":"\u12"}]"#,
            #"[{"unknown":[1,2,{"a":nul}]}]"#, #"[{"unknown":-}]"#, #"[{"unknown":1.}]"#, #"[{"source":{"latitude":1e39}}]"#,
            #"[{"remediation":tru}]"#, #"[{"labels":[null]}]"#,
        ] {
            XCTAssertNil(AlertBatchReader.read(Array(text.utf8)), text)
            assertAgrees(text)
        }
        XCTAssertNil(AlertBatchReader.read([0x5B, 0x7B, 0x22, 0x6D, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D, 0x5D]), "invalid UTF-8")
    }

    /// Deep nesting is declined (JSONDecoder refuses beyond 512 levels) without exhausting
    /// the stack: a million `[` once crashed the reader. Run on a task, as requests are.
    func testDeepNestingIsDeclined() async {
        let depth = 1_000_000
        let body = #"[{"x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}]"
        let read = await Task.detached { AlertBatchReader.read(Array(body.utf8)) }.value
        XCTAssertNil(read)
        let shallow = #"[{"x":"# + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "}]"
        XCTAssertTrue(assertAgrees(shallow))
        XCTAssertNil(AlertBatchReader.read(Array((#"[{"x":"# + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}]").utf8)))
    }

    /// A latitude that rounds to zero from nonzero digits is JSONDecoder's error: declined.
    func testAFloatThatUnderflowsIsDeclined() {
        for number in ["1e-50", "7e-46", "-1e-50", "0.00000000000000000000000000000000000000000000000016"] {
            XCTAssertNil(AlertBatchReader.read(Array(#"[{"source":{"latitude":\#(number)}}]"#.utf8)), number)
            assertAgrees(#"[{"source":{"latitude":\#(number)}}]"#)
        }
        for number in ["0.000", "-0.0", "0"] {
            XCTAssertTrue(assertAgrees(#"[{"source":{"longitude":\#(number)}}]"#), number)
        }
    }

    func testUnknownMembersAreCheckedAndSkipped() {
        XCTAssertTrue(assertAgrees(#"[{"extra":{"a":[1,-2.5e3,true,false,null,"s\n"],"b":{}},"scenario":"x","z":[]}]"#))
        XCTAssertTrue(assertAgrees(#"[{"decisions":[{"value":"192.0.2.1","other":7,"simulated":true,"id":3,"until":"x"}]}]"#))
    }
}

/// Random alert bodies of the shapes agents and `cscli` send: members present, absent
/// or null, in any order, strings with escapes and Unicode, unknown members, spacing.
private struct BodyGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }

    private mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    private mutating func space() -> String { ["", "", " ", "\n  ", "\t"][below(5)] }

    private mutating func string() -> String {
        let pieces = ["ssh", "192.0.2.10", #"\""#, #"\\"#, #"\/"#, #"\n"#, #"\u00e9"#, "é", "日本", #"\ud83d\ude00"#, "😀", " ", "crowdsecurity/ssh-bf", "4h", ""]
        return "\"" + (0..<below(4)).map { _ in pieces[below(pieces.count)] }.joined() + "\""
    }

    private mutating func int(_ bound: Int) -> String { String(below(bound) - (chance(20) ? bound / 2 : 0)) }

    private mutating func float() -> String {
        ["48.8582", "-122.4194", "0", "0.001", "51.5", "-33.8688", "151.2093", "0.000001", "90", "-180"][below(10)]
    }

    /// `"name":value` members in a random order, some left out, some null when allowed.
    private mutating func object(_ members: [(String, (inout BodyGenerator) -> String)], nullable: Bool = true) -> String {
        var chosen = members.filter { _ in chance(80) }
        for index in chosen.indices.reversed() { chosen.swapAt(index, below(index + 1)) }
        if chance(10) { chosen.append(("unknown_\(below(3))", { $0.unknown() })) }
        let parts = chosen.map { name, value in
            "\"\(name)\"" + space() + ":" + space() + (nullable && chance(10) ? "null" : value(&self))
        }
        return "{" + space() + parts.joined(separator: "," + space()) + space() + "}"
    }

    private mutating func unknown() -> String {
        [#"{"a":[1,2.5,-3e2,true,false,null]}"#, "[]", #""x""#, "0", "null", #"{"n":{"m":"\u00e9"}}"#][below(6)]
    }

    private mutating func array(_ element: (inout BodyGenerator) -> String, max: Int) -> String {
        "[" + (0..<below(max + 1)).map { _ in element(&self) }.joined(separator: "," + space()) + "]"
    }

    private mutating func meta() -> String {
        object([("key", { $0.string() }), ("value", { $0.string() })])
    }

    private mutating func decision() -> String {
        object([
            ("duration", { $0.string() }), ("id", { $0.int(1000) }), ("origin", { $0.string() }), ("scenario", { $0.string() }),
            ("scope", { $0.string() }), ("simulated", { $0.chance(50) ? "true" : "false" }), ("type", { $0.string() }),
            ("until", { $0.string() }), ("value", { $0.string() }),
        ])
    }

    private mutating func alert() -> String {
        object([
            ("capacity", { $0.int(100) }), ("created_at", { $0.string() }),
            ("decisions", { $0.array({ $0.decision() }, max: 3) }),
            ("events", { $0.array({ $0.object([("meta", { $0.array({ $0.meta() }, max: 3) }), ("timestamp", { $0.string() })]) }, max: 2) }),
            ("events_count", { $0.int(50) }), ("id", { $0.int(100_000) }), ("labels", { $0.array({ $0.string() }, max: 2) }),
            ("leakspeed", { $0.string() }), ("machine_id", { $0.string() }), ("message", { $0.string() }),
            ("meta", { $0.array({ $0.meta() }, max: 2) }), ("remediation", { $0.chance(50) ? "true" : "false" }),
            ("scenario", { $0.string() }), ("scenario_hash", { $0.string() }), ("scenario_version", { $0.string() }),
            ("simulated", { $0.chance(50) ? "true" : "false" }),
            ("source", {
                $0.object([
                    ("as_name", { $0.string() }), ("as_number", { $0.string() }), ("cn", { $0.string() }), ("ip", { $0.string() }),
                    ("latitude", { $0.float() }), ("longitude", { $0.float() }), ("range", { $0.string() }),
                    ("scope", { $0.string() }), ("value", { $0.string() }),
                ])
            }),
            ("start_at", { $0.string() }), ("stop_at", { $0.string() }),
        ])
    }

    mutating func body() -> String {
        space() + array({ $0.alert() }, max: 3) + space()
    }
}
