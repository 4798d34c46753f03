import WardenBasics
import XCTest

/// `GoDuration.format(nanoseconds:)` on the cases CrowdSec 1.4.6 bodies show and
/// on the edges of Go's algorithm (the Go oracle test covers thousands more).
final class GoDurationTests: XCTestCase {
    func testFormatsLikeGo() {
        let cases: [(Int64, String)] = [
            (0, "0s"), (1, "1ns"), (500, "500ns"), (999, "999ns"), (1_000, "1µs"), (1_500, "1.5µs"),
            (999_999, "999.999µs"), (1_000_000, "1ms"), (-342_867_802, "-342.867802ms"),
            (999_999_999, "999.999999ms"), (1_000_000_000, "1s"), (59_999_999_999, "59.999999999s"),
            (60_000_000_000, "1m0s"), (90_500_000_000, "1m30.5s"), (3_600_000_000_000, "1h0m0s"),
            (14_399_272_883_270, "3h59m59.27288327s"), (-141_458_399, "-141.458399ms"),
            (.max, "2562047h47m16.854775807s"), (.min, "-2562047h47m16.854775808s"),
        ]
        for (ns, text) in cases {
            XCTAssertEqual(GoDuration.format(nanoseconds: ns), text, "\(ns)")
        }
    }

    func testWritesTheMicroSignGoWrites() {
        // U+00B5 MICRO SIGN (C2 B5), not U+03BC GREEK SMALL LETTER MU.
        var bytes: [UInt8] = []
        GoDuration.append(nanoseconds: 2_000, to: &bytes)
        XCTAssertEqual(bytes, [0x32, 0xC2, 0xB5, 0x73])
    }
}
