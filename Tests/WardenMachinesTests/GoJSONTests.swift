import WardenMachines
import XCTest

/// Syntax errors worded as Go 1.19's `encoding/json` words them.
final class GoJSONTests: XCTestCase {
    private func parseError(_ text: String) -> String? {
        do {
            _ = try GoJSON.parse(Array(text.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    private func decodeError(_ text: String) -> String? {
        do {
            _ = try GoJSON.decodeFirst(Array(text.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    func testUnmarshalMessages() {
        let cases: [(String, String?)] = [
            (#"{"a":[1,2.5e-3,"x\u00e9",true,false,null]}"#, nil),
            ("not json", "invalid character 'o' in literal null (expecting 'u')"),
            ("x", "invalid character 'x' looking for beginning of value"),
            ("", "unexpected end of JSON input"),
            (#"{"a" 1}"#, "invalid character '1' after object key"),
            (#"{"a":1 "b":2}"#, "invalid character '\"' after object key:value pair"),
            (#"{1:2}"#, "invalid character '1' looking for beginning of object key string"),
            ("[1 2]", "invalid character '2' after array element"),
            ("[1] x", "invalid character 'x' after top-level value"),
            ("\"a\nb\"", #"invalid character '\n' in string literal"#),
            (#""\x""#, "invalid character 'x' in string escape code"),
            (#""\u12g4""#, #"invalid character 'g' in \u hexadecimal character escape"#),
            ("-a", "invalid character 'a' in numeric literal"),
            ("1.x", "invalid character 'x' after decimal point in numeric literal"),
            ("1ex", "invalid character 'x' in exponent of numeric literal"),
            ("[1,", "unexpected end of JSON input"),
        ]
        for (text, message) in cases {
            XCTAssertEqual(parseError(text), message, text)
        }
    }

    /// Nesting beyond ``GoJSON/maxDepth`` (Go's own limit is 10 000; the words are Go 1.19's)
    /// is refused without exhausting the stack, on a task as requests are, a million `[` too.
    func testNestingDeeperThanGoAllowsIsRefused() async {
        let (ok, over, huge, object) = await Task.detached { () -> (String?, String?, String?, String?) in
            func message(_ text: String, first: Bool = false) -> String? {
                do {
                    _ = first ? try GoJSON.decodeFirst(Array(text.utf8)) : try GoJSON.parse(Array(text.utf8))
                    return nil
                } catch {
                    return error.description
                }
            }
            func deep(_ n: Int) -> String { String(repeating: "[", count: n) + String(repeating: "]", count: n) }
            let limit = GoJSON.maxDepth
            return (message(deep(limit)), message(deep(limit + 1)), message(deep(1_000_000), first: true),
                    message(#"{"a":"# + String(repeating: #"{"b":"#, count: limit) + "1" + String(repeating: "}", count: limit + 1)))
        }.value
        XCTAssertNil(ok)
        XCTAssertEqual(over, "invalid character '[' exceeded max depth")
        XCTAssertEqual(huge, "invalid character '[' exceeded max depth")
        XCTAssertEqual(object, "invalid character '{' exceeded max depth")
    }

    func testDecoderMessages() {
        XCTAssertEqual(decodeError(""), "EOF")
        XCTAssertEqual(decodeError("  \n"), "EOF")
        XCTAssertEqual(decodeError(#"{"a":"#), "unexpected EOF")
        XCTAssertNil(decodeError("{} trailing"))
        XCTAssertEqual(decodeError("not json"), "invalid character 'o' in literal null (expecting 'u')")
    }

    func testValuesAndLookups() throws {
        let value = try GoJSON.parse(Array(#"{"a":"x","a":"y","n":12}"#.utf8))
        XCTAssertEqual(value["a"]?.string, "y")
        XCTAssertEqual(value["n"], .number("12"))
        XCTAssertNil(value["missing"])
    }
}
