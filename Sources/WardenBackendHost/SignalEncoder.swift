import CWardenBackend
import WardenModel

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

    private mutating func add(_ target: BanTarget) -> Int {
        let start = bytes.count
        target.appendText(to: &bytes)
        spans.append((start, bytes.count))
        return spans.count - 1
    }

    /// Calls `body` with a C signal valid only during the call. `alter`, when given,
    /// edits each encoded ban (with its index) before the call.
    ///
    /// As `warden_backend.h` (VERSIONING) asks of a writer, every versioned struct and
    /// every array stride carries this build's size (C's sizeof, Swift's stride), so a
    /// backend built against another 1.x minor still finds each element.
    mutating func withSignal<R>(
        _ order: SignalOrder, alteringBans alter: ((Int, inout warden_ban_t) -> Void)? = nil,
        _ body: (UnsafePointer<warden_signal_t>) -> R
    ) -> R {
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        let scenario = add(order.scenario), message = add(order.message), source = add(order.source)
        // Seven strings per ban, then two per event, then two per label, each in this order.
        let firstBan = spans.count
        for ban in order.bans {
            _ = add(ban.target)
            _ = add(ban.origin)
            _ = add(ban.action)
            _ = add(ban.reason)
            _ = add(ban.scenario)
            _ = add(ban.country)
            _ = add(ban.asName)
        }
        let firstEvent = spans.count
        for event in order.events {
            _ = add(event.source)
            _ = add(event.serialized)
        }
        let labels = order.labels.sorted { $0.key < $1.key }
        let firstLabel = spans.count
        for (key, value) in labels {
            _ = add(key)
            _ = add(value)
        }
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                func str(_ i: Int) -> warden_str_t {
                    warden_str_t(ptr: chars.baseAddress.map { $0 + spans[i].start }, len: spans[i].end - spans[i].start)
                }
                let bans = order.bans.enumerated().map { index, ban in
                    let s = firstBan + 7 * index
                    var c = warden_ban_t()
                    c.struct_size = UInt32(MemoryLayout<warden_ban_t>.stride)
                    c.scope = UInt32(ban.target.isRange ? WARDEN_SCOPE_RANGE : WARDEN_SCOPE_IP)
                    c.target = str(s)
                    withUnsafeMutableBytes(of: &c.range_start) { ban.target.first.writeNetworkBytes(to: $0) }
                    withUnsafeMutableBytes(of: &c.range_end) { ban.target.last.writeNetworkBytes(to: $0) }
                    c.origin = str(s + 1)
                    c.action = str(s + 2)
                    c.reason = str(s + 3)
                    c.scenario = str(s + 4)
                    c.country = str(s + 5)
                    c.as_name = str(s + 6)
                    c.as_number = ban.asNumber
                    c.until_ns = ban.untilNs
                    alter?(index, &c)
                    return c
                }
                let events = order.events.enumerated().map { index, event in
                    var c = warden_event_t()
                    c.struct_size = UInt32(MemoryLayout<warden_event_t>.stride)
                    c.time_ns = event.timeNs
                    c.source = str(firstEvent + 2 * index)
                    c.serialized = str(firstEvent + 2 * index + 1)
                    return c
                }
                let pairs = labels.indices.map { warden_kv_t(key: str(firstLabel + 2 * $0), value: str(firstLabel + 2 * $0 + 1)) }
                return bans.withUnsafeBufferPointer { banBuffer in
                    events.withUnsafeBufferPointer { eventBuffer in
                        pairs.withUnsafeBufferPointer { pairBuffer in
                            var signal = warden_signal_t()
                            signal.struct_size = UInt32(MemoryLayout<warden_signal_t>.stride)
                            signal.simulated = order.simulated ? 1 : 0
                            signal.scenario = str(scenario)
                            signal.message = str(message)
                            signal.source = str(source)
                            signal.events_count = order.eventsCount
                            signal.start_ns = order.startNs
                            signal.stop_ns = order.stopNs
                            signal.created_ns = order.createdNs
                            signal.bans = UnsafeRawPointer(banBuffer.baseAddress)
                            signal.ban_count = banBuffer.count
                            signal.ban_stride = MemoryLayout<warden_ban_t>.stride
                            signal.events = UnsafeRawPointer(eventBuffer.baseAddress)
                            signal.event_count = eventBuffer.count
                            signal.event_stride = MemoryLayout<warden_event_t>.stride
                            signal.labels = warden_map_t(items: pairBuffer.baseAddress, count: pairBuffer.count)
                            return withUnsafePointer(to: &signal) { body($0) }
                        }
                    }
                }
            }
        }
    }
}
