import WardenDecisions
import WardenModel
import XCTest

/// The bytes bouncers receive, pinned against CrowdSec 1.4.6 answers.
final class DecisionJSONTests: XCTestCase {
    let now: Int64 = 1_795_435_200_000_000_000

    private func text(_ write: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        write(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func testOneDecisionInLAPIKeyOrder() {
        let d = decision(2, "198.51.100.0/24", until: now + 3_594_020_000_000, origin: "cscli", scenario: "test")
        XCTAssertEqual(
            text { DecisionJSON.appendDecision(d, nowNs: now, to: &$0) },
            #"{"duration":"59m54.02s","id":2,"origin":"cscli","scenario":"test","scope":"Range","type":"ban","value":"198.51.100.0/24"}"#)
    }

    func testAnEndedDecisionHasANegativeDuration() {
        let d = decision(1, "192.0.2.1", until: now - 342_867_802)
        XCTAssertTrue(text { DecisionJSON.appendDecision(d, nowNs: now, to: &$0) }.hasPrefix(#"{"duration":"-342.867802ms","id":1,"#))
    }

    func testStringsEscapedAsGoEscapesThem() {
        let d = decision(3, "2001:db8::1", until: now, origin: "a\"b\\c", type: "<&>", scenario: "tab\tnl\n\u{1}\u{2028}é")
        XCTAssertEqual(
            text { DecisionJSON.appendDecision(d, nowNs: now, to: &$0) },
            #"{"duration":"0s","id":3,"origin":"a\"b\\c","scenario":"tab\tnl\n\u0001\u2028é","scope":"Ip","type":"\u003c\u0026\u003e","value":"2001:db8::1"}"#)
    }

    /// Decisions share their origin, type and scenario (and that JSON) with every decision
    /// alike, up to a few thousand such kinds; past them each keeps its own. Both render the same.
    func testEveryKindRendersItsOwnTexts_SharedOrNot() {
        for i in 0..<5_000 {
            let d = decision(Int64(i), "192.0.2.1", until: now, origin: "o\(i % 3)", type: "ban", scenario: "s/\(i)")
            let expected = #"{"duration":"0s","id":"# + "\(i)" + #","origin":"o"# + "\(i % 3)"
                + #"","scenario":"s/"# + "\(i)" + #"","scope":"Ip","type":"ban","value":"192.0.2.1"}"#
            XCTAssertEqual(text { DecisionJSON.appendDecision(d, nowNs: now, to: &$0) }, expected)
        }
        let negative = decision(-7, "2001:db8::/32", until: now, scenario: "test")
        XCTAssertTrue(text { DecisionJSON.appendDecision(negative, nowNs: now, to: &$0) }.hasPrefix(#"{"duration":"0s","id":-7,"#))
    }

    func testEmptyListIsNull() {
        XCTAssertEqual(text { DecisionJSON.appendList([], nowNs: now, to: &$0) }, "null")
    }

    func testListIsAnArray() {
        let list = [decision(1, "192.0.2.1", until: now + second), decision(2, "192.0.2.2", until: now + 2 * second)]
        XCTAssertEqual(
            text { DecisionJSON.appendList(list, nowNs: now, to: &$0) },
            #"[{"duration":"1s","id":1,"origin":"cscli","scenario":"test","scope":"Ip","type":"ban","value":"192.0.2.1"},"#
                + #"{"duration":"2s","id":2,"origin":"cscli","scenario":"test","scope":"Ip","type":"ban","value":"192.0.2.2"}]"#)
    }

    func testIdleStreamBody() {
        let idle = DecisionChanges(kind: .delta, new: [], deleted: [], cursor: ChangeCursor(sequence: 0))
        XCTAssertEqual(text { DecisionJSON.appendStream(idle, nowNs: now, to: &$0) }, #"{"deleted":null,"new":null}"#)
    }

    func testStreamBody() {
        let changes = DecisionChanges(
            kind: .delta, new: [decision(2, "192.0.2.2", until: now + second)],
            deleted: [decision(1, "192.0.2.1", until: now - second)], cursor: ChangeCursor(sequence: 3))
        XCTAssertEqual(
            text { DecisionJSON.appendStream(changes, nowNs: now, to: &$0) },
            #"{"deleted":[{"duration":"-1s","id":1,"origin":"cscli","scenario":"test","scope":"Ip","type":"ban","value":"192.0.2.1"}],"#
                + #""new":[{"duration":"1s","id":2,"origin":"cscli","scenario":"test","scope":"Ip","type":"ban","value":"192.0.2.2"}]}"#)
    }

    func testDurationSaturatesLikeGo() {
        // Go's Time.Sub saturates instead of overflowing.
        let far = decision(1, "192.0.2.1", until: .max)
        XCTAssertTrue(text { DecisionJSON.appendDecision(far, nowNs: -second, to: &$0) }.hasPrefix(#"{"duration":"2562047h47m16.854775807s""#))
        let past = decision(1, "192.0.2.1", until: .min)
        XCTAssertTrue(text { DecisionJSON.appendDecision(past, nowNs: second, to: &$0) }.hasPrefix(#"{"duration":"-2562047h47m16.854775808s""#))
    }
}
