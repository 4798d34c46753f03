import WardenBasics
import WardenModel
import XCTest

final class TimeTests: XCTestCase {
    func testGoDurations() {
        XCTAssertEqual(GoDuration.parse("4h"), 4 * 3_600_000_000_000)
        XCTAssertEqual(GoDuration.parse("1h30m"), 5_400_000_000_000)
        XCTAssertEqual(GoDuration.parse("90m"), 5_400_000_000_000)
        XCTAssertEqual(GoDuration.parse("45s"), 45_000_000_000)
        XCTAssertEqual(GoDuration.parse("300ms"), 300_000_000)
        XCTAssertEqual(GoDuration.parse("1.5h"), 5_400_000_000_000)
        XCTAssertEqual(GoDuration.parse("0"), 0)
        for bad in ["", "4", "h", "4x", "4h-", "1d", "four hours", "4 h"] {
            XCTAssertNil(GoDuration.parse(bad), bad)
        }
    }

    func testGoDurationFormatting() {
        XCTAssertEqual(GoDuration.format(seconds: 14400), "4h0m0s")
        XCTAssertEqual(GoDuration.format(seconds: 3545), "59m5s")
        XCTAssertEqual(GoDuration.format(seconds: 45), "45s")
        XCTAssertEqual(GoDuration.format(seconds: 0), "0s")
        XCTAssertEqual(GoDuration.format(roundingNanoseconds: 14_399_600_000_000), "4h0m0s")
        XCTAssertEqual(GoDuration.format(roundingNanoseconds: 14_399_400_000_000), "3h59m59s")
    }

    func testRFC3339() {
        XCTAssertEqual(Timestamp.rfc3339(1_795_435_200_000_000_000), "2026-11-23T12:00:00Z")
        XCTAssertEqual(Timestamp.parse("2026-11-23T12:00:00Z"), 1_795_435_200_000_000_000)
        XCTAssertEqual(Timestamp.parse("2026-11-23 12:00:00"), 1_795_435_200_000_000_000)
        XCTAssertEqual(Timestamp.parse("2026-11-23T13:00:00+01:00"), 1_795_435_200_000_000_000)
        XCTAssertEqual(Timestamp.parse("2026-11-23T12:00:00.5Z"), 1_795_435_200_500_000_000)
        XCTAssertEqual(Timestamp.parse("2026-11-23"), 1_795_392_000_000_000_000)
        for bad in ["yesterday", "2026-13-01", "2026-11-23T25:00:00Z", "2026-11-23T12:00:00Q"] {
            XCTAssertNil(Timestamp.parse(bad), bad)
        }
    }

    /// Found by Fuzz/ (fuzz-allowlist, fuzz-bouncers, fuzz-machines): a time whose nanoseconds
    /// since 1970 overflow Int64 trapped ("arithmetic overflow") in every file that holds one.
    func testTimesBeyondNanosecondRangeAreNilNotATrap() {
        for far in ["9999-12-31T00:00:00Z", "2263-01-01", "1000-01-01", "1677-09-21T00:12:43Z", "2262-04-11T23:47:17Z"] {
            XCTAssertNil(Timestamp.parse(far), far)
        }
        XCTAssertEqual(Timestamp.parse("2262-04-11T23:47:16Z"), 9_223_372_036_000_000_000)
        XCTAssertEqual(Timestamp.parse("2262-04-11T23:47:16.854775807Z"), Int64.max)
        XCTAssertEqual(Timestamp.parse("1677-09-21T00:12:44Z"), -9_223_372_036_000_000_000)
    }

    /// Found by Fuzz/ (fuzz-allowlist, fuzz-bouncers): a fraction of more than nine digits
    /// built the reversed range `digits..<9` and trapped; RFC 3339 allows any number of them.
    func testAFractionPastNanosecondsIsCutNotATrap() {
        XCTAssertEqual(Timestamp.parse("2026-11-23T12:00:00.0123456789Z"), 1_795_435_200_012_345_678)
        XCTAssertEqual(Timestamp.parse("2026-11-23T12:00:00.999999999999999999999+00:00"), 1_795_435_200_999_999_999)
    }
}
