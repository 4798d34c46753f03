import CWardenBackend

/// Lays out a ``SignalOrder`` as the ABI's `warden_signal_t`, with every string
/// in one reusable byte buffer, so a stream of inserts allocates little.
struct SignalEncoder {
    private var bytes: [UInt8] = []
    private var spans: [(start: Int, end: Int)] = []

    init() {
        bytes.reserveCapacity(1024)
    }

    private mutating func add(_ text: String) -> Int {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        spans.append((start, bytes.count))
        return spans.count - 1
    }

    /// Calls `body` with a C signal valid only during the call.
    mutating func withSignal<R>(_ order: SignalOrder, _ body: (UnsafePointer<warden_signal_t>) -> R) -> R {
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        let scenario = add(order.scenario), message = add(order.message), source = add(order.source)
        let banStrings = order.bans.map { ban in
            [add(ban.target.description), add(ban.origin), add(ban.action), add(ban.reason), add(ban.scenario),
             add(ban.country), add(ban.asName)]
        }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                func str(_ i: Int) -> warden_str_t {
                    warden_str_t(ptr: chars.baseAddress.map { $0 + spans[i].start }, len: spans[i].end - spans[i].start)
                }
                var bans = zip(order.bans, banStrings).map { ban, s in
                    var c = warden_ban_t()
                    c.struct_size = UInt32(MemoryLayout<warden_ban_t>.size)
                    c.scope = UInt32(ban.target.scopeName == "Ip" ? WARDEN_SCOPE_IP : WARDEN_SCOPE_RANGE)
                    c.target = str(s[0])
                    withUnsafeMutableBytes(of: &c.range_start) { $0.copyBytes(from: ban.target.first.networkBytes) }
                    withUnsafeMutableBytes(of: &c.range_end) { $0.copyBytes(from: ban.target.last.networkBytes) }
                    c.origin = str(s[1])
                    c.action = str(s[2])
                    c.reason = str(s[3])
                    c.scenario = str(s[4])
                    c.country = str(s[5])
                    c.as_name = str(s[6])
                    c.as_number = ban.asNumber
                    c.until_ns = ban.untilNs
                    return c
                }
                return bans.withUnsafeMutableBufferPointer { banBuffer in
                    var signal = warden_signal_t()
                    signal.struct_size = UInt32(MemoryLayout<warden_signal_t>.size)
                    signal.scenario = str(scenario)
                    signal.message = str(message)
                    signal.source = str(source)
                    signal.events_count = order.eventsCount
                    signal.start_ns = order.startNs
                    signal.stop_ns = order.stopNs
                    signal.created_ns = order.createdNs
                    signal.bans = UnsafePointer(banBuffer.baseAddress)
                    signal.ban_count = banBuffer.count
                    return withUnsafePointer(to: &signal) { body($0) }
                }
            }
        }
    }
}
