import ArgumentParser
import XCTest

@testable import WardenCLI

/// `ban add ip|range` read by hand (``banAddByHand(_:)``) gives the values ArgumentParser
/// gives, or declines; the cases it declines are listed, with what ArgumentParser does there.
final class BanAddByHandTests: XCTestCase {
    /// What the hand reader does with one argument list, and so what ArgumentParser must do.
    private enum Expected {
        /// The hand reader answers; ArgumentParser parses the same values.
        case same
        /// The hand reader declines; ArgumentParser fails (an error, help, a completion script).
        case declinedAsArgumentParserFails
        /// The hand reader declines a list ArgumentParser parses: rare spellings left to it.
        case declinedThoughArgumentParserParses
    }

    /// Argument lists after `ban add`, the leaf first.
    private let corpus: [([String], Expected)] = [
        // Positionals: IPv4, IPv6, ranges, reasons of several words, words that mean something elsewhere.
        (["ip", "192.0.2.7", "4h", "ssh"], .same),
        (["ip", "192.0.2.7", "4h", "ssh", "bruteforce", "on", "port", "22"], .same),
        (["ip", "192.0.2.7", "4h", "ssh bruteforce", "", " port 22 "], .same),
        (["ip", "192.0.2.7", "1h30m", "help"], .same),
        (["ip", "192.0.2.7", "45s", "ip", "range", "add", "a=b", "—debug"], .same),
        (["ip", "2001:db8::1", "90m", "scan"], .same),
        (["ip", "::ffff:192.0.2.7", "1.5h", "scan"], .same),
        (["ip", "fe80::1", "300ms", "x"], .same),
        (["range", "192.0.2.0/24", "4h", "x"], .same),
        (["range", "2001:db8::/32", "90m", "scan", "--remediation", "captcha"], .same),
        (["range", "0.0.0.0/0", "1m", "everyone"], .same),
        (["range", "10.0.0.0/8", "1h", "x", "-o", "json"], .same),
        // Every option, in each spelling, before, between and after the positionals.
        (["ip", "-c", "/etc/warden/config.yaml", "192.0.2.7", "4h", "x"], .same),
        (["ip", "192.0.2.7", "--config", "other.yaml", "4h", "x"], .same),
        (["ip", "192.0.2.7", "4h", "x", "--config=a=b.yaml"], .same),
        (["ip", "192.0.2.7", "4h", "x", "-c", ""], .same),
        (["ip", "-o", "json", "192.0.2.7", "4h", "x"], .same),
        (["ip", "192.0.2.7", "4h", "--output", "raw", "x"], .same),
        (["ip", "192.0.2.7", "4h", "x", "--output=human"], .same),
        (["ip", "--debug", "192.0.2.7", "4h", "x"], .same),
        (["ip", "192.0.2.7", "4h", "ssh", "--remediation", "slow", "bruteforce"], .same),
        (["range", "192.0.2.0/24", "--remediation=captcha", "4h", "x"], .same),
        (["ip", "192.0.2.7", "4h", "x", "--remediation", "ban"], .same),
        (
            [
                "ip", "--debug", "-c", "c.yaml", "192.0.2.7", "--output=json", "4h", "ssh", "--remediation", "captcha",
                "bruteforce",
            ], .same
        ),
        // Repeated options: the last one wins, as in ArgumentParser.
        (["ip", "-o", "json", "192.0.2.7", "4h", "x", "--output", "raw"], .same),
        (["ip", "--config=a.yaml", "192.0.2.7", "4h", "x", "-c", "b.yaml"], .same),
        (["ip", "--debug", "192.0.2.7", "4h", "x", "--debug"], .same),
        (["ip", "192.0.2.7", "4h", "x", "--remediation", "slow", "--remediation=captcha"], .same),
        // Bad input: ArgumentParser's messages.
        (["ip", "192.0.2.7", "4days", "x"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "0s", "x"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "-4h", "x"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", " ", ""], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7"], .declinedAsArgumentParserFails),
        (["ip"], .declinedAsArgumentParserFails),
        (["ip", "10.0.0.300", "4h", "x"], .declinedAsArgumentParserFails),
        (["ip", "10.0.0.0/8", "4h", "x"], .declinedAsArgumentParserFails),
        (["range", "10.1.2.3/8", "4h", "x"], .declinedAsArgumentParserFails),
        (["range", "192.0.2.7", "4h", "x"], .declinedAsArgumentParserFails),
        (["range", "192.0.2.0/33", "4h", "x"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--remediation", "block"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "-o", "yaml"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--output=JSON"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--remediation"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "-c"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--config="], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "-o", "--debug"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--debug=true"], .declinedAsArgumentParserFails),
        // Unknown options, abbreviations, grouped short options.
        (["ip", "192.0.2.7", "4h", "x", "--reason", "y"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--rem", "slow"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--conf", "c.yaml"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "-d"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "-cfile"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "---debug"], .declinedAsArgumentParserFails),
        // Help, the version, completion scripts.
        (["ip", "-h"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--help"], .declinedAsArgumentParserFails),
        (["range", "-help"], .declinedAsArgumentParserFails),
        (["ip", "192.0.2.7", "4h", "x", "--version"], .declinedAsArgumentParserFails),
        (["ip", "--generate-completion-script", "bash"], .declinedAsArgumentParserFails),
        (["ip", "--generate-completion-script=zsh"], .declinedAsArgumentParserFails),
        (["ip", "--experimental-dump-help"], .declinedAsArgumentParserFails),
        // Spellings ArgumentParser takes that the hand reader leaves to it.
        (["ip", "192.0.2.7", "4h", "--", "x"], .declinedThoughArgumentParserParses),
        (["ip", "192.0.2.7", "4h", "x", "--", "-y"], .declinedThoughArgumentParserParses),
        (["ip", "192.0.2.7", "4h", "-"], .declinedThoughArgumentParserParses),
        (["ip", "192.0.2.7", "4h", "x", "-c=c.yaml"], .declinedThoughArgumentParserParses),
        (["ip", "192.0.2.7", "4h", "x", "-c", "-"], .declinedThoughArgumentParserParses),
        (["ip", "192.0.2.7", "4h", "x", "--config=-c.yaml"], .declinedThoughArgumentParserParses),
    ]

    func testAnswersAsArgumentParserDoesOrDeclines() {
        for (words, expected) in corpus {
            let hand = banAddByHand(["ban", "add"] + words).map(Values.init)
            let parsed = argumentParserValues(words)
            switch expected {
            case .same:
                XCTAssertNotNil(hand, "\(words): the hand reader declined")
                XCTAssertEqual(hand, try parsed.get(), "\(words)")
            case .declinedAsArgumentParserFails:
                XCTAssertNil(hand, "\(words)")
                XCTAssertThrowsError(try parsed.get(), "\(words)")
            case .declinedThoughArgumentParserParses:
                XCTAssertNil(hand, "\(words)")
                XCTAssertNoThrow(try parsed.get(), "\(words)")
            }
        }
    }

    func testDeclinesOtherCommands() {
        for arguments in [["ban", "add", "cidr", "192.0.2.7", "4h", "x"], ["ban", "del", "ip", "192.0.2.7", "4h", "x"],
            ["allowlist", "add", "ip", "192.0.2.7", "4h", "x"], ["ban", "add", "ip"]]
        {
            XCTAssertNil(banAddByHand(arguments), "\(arguments)")
        }
    }

    /// The values of a `ban add` leaf, read by hand or parsed by ArgumentParser.
    private struct Values: Equatable {
        var leaf: ObjectIdentifier
        var config: String?
        var output: OutputFormat
        var debug: Bool
        var target: String
        var duration: String
        var reason: [String]
        var remediation: Remediation

        init(_ ban: HandReadBanAdd) {
            self.init(ban.leaf, global: ban.global, target: ban.target, order: ban.order)
        }

        init(
            _ leaf: any BanAddLeaf.Type, global: some GlobalSettings, target: String, order: some BanOrderSettings
        ) {
            self.leaf = ObjectIdentifier(leaf)
            config = global.config
            output = global.output
            debug = global.debug
            self.target = target
            duration = order.duration
            reason = order.reason
            remediation = order.remediation
        }
    }

    /// What ArgumentParser makes of `ban add` + `words`, from the leaf as `warden` parses it.
    private func argumentParserValues(_ words: [String]) -> Result<Values, any Error> {
        Result {
            let rest = Array(words.dropFirst())
            switch words.first {
            case "ip":
                let leaf = try Ban.AddIP.parse(rest)
                return Values(Ban.AddIP.self, global: leaf.global, target: leaf.target, order: leaf.order)
            case "range":
                let leaf = try Ban.AddRange.parse(rest)
                return Values(Ban.AddRange.self, global: leaf.global, target: leaf.target, order: leaf.order)
            default: throw ValidationError("no leaf")
            }
        }
    }
}
