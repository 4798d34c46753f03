import XCTest

@testable import WardenNotify

final class PluginWireTests: XCTestCase {
    func testNotificationEncodesTextThenName() {
        XCTAssertEqual(PluginWire.notification(text: "hi", name: "n"), [0x0A, 2, 0x68, 0x69, 0x12, 1, 0x6E])
    }

    func testConfigUsesFieldTwo() {
        XCTAssertEqual(PluginWire.config(yaml: "a: 1"), [0x12, 4] + Array("a: 1".utf8))
    }

    func testLongFieldsHaveAVarintLength() {
        let bytes = PluginWire.notification(text: String(repeating: "x", count: 300), name: "")
        XCTAssertEqual(Array(bytes.prefix(3)), [0x0A, 0xAC, 0x02])
        XCTAssertEqual(bytes.count, 303)
    }

    func testEmptyStringsAreLeftOut() {
        XCTAssertEqual(PluginWire.notification(text: "", name: ""), [])
    }

    func testHealthRequestNamesGoPluginsService() {
        XCTAssertEqual(PluginWire.healthRequest, [0x0A, 6] + Array("plugin".utf8))
    }
}
