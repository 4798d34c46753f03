import WardenBasics

/// The JSON CrowdSec 1.4.6's Local API sends bouncers, written straight into a
/// byte buffer: decision objects with the keys in LAPI's order
/// (`duration, id, origin, scenario, scope, type, value`), `null` for an empty
/// list, and `duration` as Go prints `until − now` (nanoseconds, negative once ended).
public enum DecisionJSON {
    /// Appends one decision object, its duration counted from `nowNs`.
    public static func appendDecision(_ decision: Decision, nowNs: Int64, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: durationKey)
        // A decision can end so far in the past or the future that the difference
        // overflows; Go's time.Sub saturates there, and so does this.
        let (remaining, overflow) = decision.untilNs.subtractingReportingOverflow(nowNs)
        GoDuration.append(nanoseconds: overflow ? (nowNs > 0 ? .min : .max) : remaining, to: &bytes)
        bytes.append(contentsOf: idKey)
        DecimalText.append(decision.id, to: &bytes)
        bytes.append(contentsOf: decision.wireMiddle)
        // An address or a block in canonical text: nothing in it to escape.
        bytes.append(UInt8(ascii: "\""))
        decision.target.appendText(to: &bytes)
        bytes.append(contentsOf: valueEnd)
    }

    /// Appends a JSON array of decisions, or `null` when there are none (the body
    /// of an empty `GET /v1/decisions` answer).
    public static func appendList(_ decisions: [Decision], nowNs: Int64, to bytes: inout [UInt8]) {
        guard !decisions.isEmpty else {
            bytes.append(contentsOf: null)
            return
        }
        bytes.append(UInt8(ascii: "["))
        for (index, decision) in decisions.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendDecision(decision, nowNs: nowNs, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Appends the body of a `GET /v1/decisions/stream` answer:
    /// `{"deleted":[...],"new":[...]}`, each list `null` when empty.
    public static func appendStream(_ changes: DecisionChanges, nowNs: Int64, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: deletedKey)
        appendList(changes.deleted, nowNs: nowNs, to: &bytes)
        bytes.append(contentsOf: newKey)
        appendList(changes.new, nowNs: nowNs, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    private static let valueEnd = Array("\"}".utf8)
    private static let idKey = Array(#"","id":"#.utf8)
    private static let durationKey = Array(#"{"duration":""#.utf8)
    private static let deletedKey = Array(#"{"deleted":"#.utf8)
    private static let newKey = Array(#","new":"#.utf8)
    private static let null = Array("null".utf8)
}
