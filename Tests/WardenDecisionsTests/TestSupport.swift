import WardenDecisions
import WardenModel

/// SplitMix64: a small seeded generator, so every random test replays the same cases.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One second in ns.
let second: Int64 = 1_000_000_000

/// A decision on `value` (an address or a block in canonical text).
func decision(
    _ id: Int64, _ value: String, until: Int64, origin: String = "cscli", type: String = "ban",
    scenario: String = "test"
) -> Decision {
    guard let target = BanTarget(storedText: value) else { fatalError("test value '\(value)' does not parse") }
    return Decision(id: id, origin: origin, type: type, target: target, scenario: scenario, untilNs: until)
}

func address(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("test address '\(text)' does not parse") }
    return address
}

func ids(_ decisions: [Decision]) -> [Int64] { decisions.map(\.id) }
