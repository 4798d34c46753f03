import Glibc
import XCTest

@testable import WardenNotify

/// The spool's file: what is kept comes back as kept, in order, names of any text included;
/// a line that does not parse is counted, and reading empties the file.
final class NotificationSpoolTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path = "/tmp/warden-spool-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    override func tearDown() {
        unlink(path)
    }

    func testKeptAlertsComeBackInOrderWithTheirNotification() {
        let spool = NotificationSpool(path: path)
        XCTAssertNil(spool.keep([alert(1), alert(2)], for: "slack"))
        XCTAssertNil(spool.keep([alert(3)], for: "odd\tname%0A\nwith 100%"))
        let read = spool.takeAll()
        XCTAssertNil(read.error)
        XCTAssertEqual(read.unreadable, 0)
        XCTAssertEqual(read.alerts.map(\.name), ["slack", "slack", "odd\tname%0A\nwith 100%"])
        XCTAssertEqual(read.alerts.map(\.alert), [alert(1), alert(2), alert(3)])
        XCTAssertNil(readText(path), "read once, then removed")
        let again = spool.takeAll()
        XCTAssertTrue(again.alerts.isEmpty && again.error == nil, "no file: nothing kept, no error")
    }

    func testALineThatDoesNotParseIsCounted() {
        let spool = NotificationSpool(path: path)
        XCTAssertNil(spool.keep([alert(4)], for: "hook"))
        let file = fopen(path, "a")!
        fputs("hook\tnot-a-number\t{}\nno tabs at all\nhook\t9\t{\"id\":9,\"scen\n", file)
        fclose(file)
        let read = spool.takeAll()
        XCTAssertEqual(read.alerts.map(\.alert), [alert(4)])
        XCTAssertEqual(read.unreadable, 3, "a bad id, no fields, a line cut short")
    }

    func testAFolderThatCannotBeWrittenIsSaid() {
        let spool = NotificationSpool(path: "/proc/warden-no-such-folder/spool")
        XCTAssertEqual(
            spool.keep([alert(5)], for: "hook"), "cannot open /proc/warden-no-such-folder/spool: No such file or directory")
    }
}
