import WardenMachines
import XCTest

/// Machine tokens: LAPI's shape, and its refusal messages in its order.
final class MachineTokenTests: XCTestCase {
    let tokens = MachineToken(secret: Array(repeating: 7, count: 64))
    let now: Int64 = 1_795_478_788

    func testATokenHasLAPIsHeaderAndPayload_AndIsValidForAnHour() throws {
        let (token, expiresAt) = tokens.issue(machine: "agent-ssh", nowSeconds: now)
        XCTAssertEqual(expiresAt, now + 3600)
        // The capture's header and payload for the same machine and times (jwt-decoded.json).
        XCTAssertTrue(token.hasPrefix("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3OTU0ODIzODgsImlkIjoiYWdlbnQtc3NoIiwib3JpZ19pYXQiOjE3OTU0Nzg3ODh9."), token)
        XCTAssertEqual(try tokens.verify(token, nowSeconds: now + 3600), "agent-ssh")
        XCTAssertThrowsError(try tokens.verify(token, nowSeconds: now + 3601)) {
            XCTAssertEqual(($0 as? MachineTokenError)?.message, "Token is expired")
        }
    }

    func testRefusals() {
        let (token, _) = tokens.issue(machine: "agent-ssh", nowSeconds: now)
        let parts = token.split(separator: ".").map(String.init)
        let other = MachineToken(secret: Array(repeating: 8, count: 64)).issue(machine: "agent-ssh", nowSeconds: now).token
        let cases: [(String, String)] = [
            ("abc", "token contains an invalid number of segments"),
            ("abc.def.ghi", "invalid character 'i' looking for beginning of value"),
            ("a*c.def.ghi", "illegal base64 data at input byte 1"),
            (other, "signature is invalid"),
            (parts[0] + "." + parts[1] + ".AAAA", "signature is invalid"),
            // {"alg":"RS256","typ":"JWT"}
            ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + parts[1] + "." + parts[2], "invalid signing algorithm"),
            // {"alg":"XX"}
            ("eyJhbGciOiJYWCJ9." + parts[1] + "." + parts[2], "signing method (alg) is unavailable."),
            // [1]
            ("WzFd." + parts[1] + "." + parts[2], "json: cannot unmarshal array into Go value of type map[string]interface {}"),
        ]
        for (token, message) in cases {
            XCTAssertThrowsError(try tokens.verify(token, nowSeconds: now), token) {
                XCTAssertEqual(($0 as? MachineTokenError)?.message, message, token)
            }
        }
    }

    /// Found with Fuzz/'s fuzz-token (which signs the claims it is given): an `exp` out of
    /// Int64's range trapped converting to Int64 ("Double value cannot be converted").
    /// Only a holder of the key can sign one, but it took the daemon down; Go's int64()
    /// gives MinInt64 on amd64, so the token is expired.
    func testAnExpiryOutOfInt64RangeIsExpiredNotATrap() {
        let signed = [
            // {"exp":1e19,"id":"x"} and {"exp":-1e19,"id":"x"}, signed with the key of `tokens`.
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjFlMTksImlkIjoieCJ9.g1rixgbn0KQW8JSK-G99OkdoVLsD0MkDGynih-uPY6E",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOi0xZTE5LCJpZCI6IngifQ.1KLcr-iqUc-Zdd0rbq5EmSYRLnYhwBgCCm0qNpZZAwA",
        ]
        for token in signed {
            XCTAssertThrowsError(try tokens.verify(token, nowSeconds: now), token) {
                XCTAssertEqual(($0 as? MachineTokenError)?.message, "Token is expired", token)
            }
        }
        // {"exp":1e400,"id":"x"}: infinite as a Double; refused, whatever the words.
        let infinite =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjFlNDAwLCJpZCI6IngifQ.x_hOyIEQh747HnKEAykMXqBLf31IP6aup5Ua-kbiXP8"
        XCTAssertThrowsError(try tokens.verify(infinite, nowSeconds: now))
    }
}
