import ArgumentParser
import Glibc
import WardenDecisions
import WardenModel

/// `warden-bench index`: the decision index alone, as `warden run` holds it: bytes of RSS
/// per decision (decisions and index together) and the time of one `startup=true` answer.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Measure the in-memory decision index: bytes per decision and a startup answer.",
        discussion: """
            Adds N ban decisions on distinct IPv4 addresses (a blocklist's shape: one origin, a few
            scenarios), then prints the process's RSS growth per decision, the time to add them, and
            the time to select and render the stream's startup answer of all of them.
            """)

    @Option(help: "How many decisions.") var count = 1_000_000
    @Option(help: "How many distinct scenarios they share.") var scenarios = 8

    func run() throws {
        let now: Int64 = 1_800_000_000_000_000_000
        let before = residentBytes()
        var index = DecisionIndex()
        let addStart = nowMs()
        for i in 0..<count {
            // Spread over the whole space, as a blocklist's addresses are.
            let address = IPAddress(v4: UInt32(truncatingIfNeeded: 0x0100_0000 &+ i &* 2_654_435_761 % 0xDF00_0000))
            let decision = Decision(
                id: Int64(i + 1), origin: "lists", type: "ban", target: .ip(address),
                scenario: "crowdsecurity/blocklist-\(i % max(1, scenarios))", untilNs: now + 86_400_000_000_000)
            index.upsert(decision, now: now)
        }
        let addMs = nowMs() - addStart
        let after = residentBytes()
        let answerStart = nowMs()
        let answer = index.changes(since: nil, now: now, filter: DecisionFilter())
        var body: [UInt8] = []
        DecisionJSON.appendStream(answer, nowNs: now, to: &body)
        let answerMs = nowMs() - answerStart
        let held = index.count
        print("index: \(held) decisions, RSS +\((after - before) / 1_048_576) MB, \((after - before) / max(held, 1)) bytes a decision")
        print("index: add \(Int(addMs)) ms (\(Int(addMs * 1e6) / max(held, 1)) ns a decision)")
        print("index: startup answer of \(answer.new.count) decisions, \(body.count / 1_048_576) MB of JSON, \(Int(answerMs)) ms")
    }

    /// The second field of /proc/self/statm (resident pages), in bytes.
    private func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return 0 }
        let fields = String(decoding: buffer[..<n], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
