import CWardenBackend

/// Lays out a ``StoredSignal`` as the ABI's `warden_signal_record_t` (with its
/// `warden_signal_t`, bans, events, labels and id arrays), every string in one
/// reusable byte buffer.
struct StoredSignalEncoder {
    private var bytes: [UInt8] = []
    private var spans: [Range<Int>] = []

    private mutating func add(_ text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        spans.append(start..<bytes.count)
    }

    /// Calls `body` with a C record valid only during the call.
    mutating func withRecord<R>(_ stored: StoredSignal, _ body: (UnsafePointer<warden_signal_record_t>) -> R) -> R {
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        let s = stored.signal
        for text in [s.scenario, s.message, s.source] { add(text) }
        // Seven strings per ban, then two per event, then two per label, each in this order.
        for b in s.bans { for text in [b.target, b.origin, b.action, b.reason, b.scenario, b.country, b.asName] { add(text) } }
        for e in s.events { add(e.source); add(e.serialized) }
        let labels = s.labels.sorted { $0.key < $1.key }
        for (key, value) in labels { add(key); add(value) }
        let firstEvent = 3 + 7 * s.bans.count, firstLabel = firstEvent + 2 * s.events.count
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                func str(_ i: Int) -> warden_str_t {
                    warden_str_t(ptr: chars.baseAddress.map { $0 + spans[i].lowerBound }, len: spans[i].count)
                }
                let bans = s.bans.enumerated().map { index, ban in
                    let first = 3 + 7 * index
                    var c = warden_ban_t()
                    c.struct_size = UInt32(MemoryLayout<warden_ban_t>.stride)
                    c.scope = ban.scope.rawValue
                    c.target = str(first)
                    withUnsafeMutableBytes(of: &c.range_start) { ban.rangeStart.writeNetworkBytes(to: $0) }
                    withUnsafeMutableBytes(of: &c.range_end) { ban.rangeEnd.writeNetworkBytes(to: $0) }
                    c.origin = str(first + 1)
                    c.action = str(first + 2)
                    c.reason = str(first + 3)
                    c.scenario = str(first + 4)
                    c.country = str(first + 5)
                    c.as_name = str(first + 6)
                    c.as_number = ban.asNumber
                    c.until_ns = ban.untilNs
                    return c
                }
                let events = s.events.enumerated().map { index, event in
                    var c = warden_event_t()
                    c.struct_size = UInt32(MemoryLayout<warden_event_t>.stride)
                    c.time_ns = event.timeNs
                    c.source = str(firstEvent + 2 * index)
                    c.serialized = str(firstEvent + 2 * index + 1)
                    return c
                }
                let pairs = labels.indices.map { warden_kv_t(key: str(firstLabel + 2 * $0), value: str(firstLabel + 2 * $0 + 1)) }
                let ended = stored.banEndedNs.map { $0 ?? 0 }
                var signal = warden_signal_t()
                signal.struct_size = UInt32(MemoryLayout<warden_signal_t>.stride)
                signal.simulated = s.simulated ? 1 : 0
                signal.scenario = str(0)
                signal.message = str(1)
                signal.source = str(2)
                signal.events_count = s.eventsCount
                signal.start_ns = s.startNs
                signal.stop_ns = s.stopNs
                signal.created_ns = s.createdNs
                signal.ban_stride = MemoryLayout<warden_ban_t>.stride
                signal.event_stride = MemoryLayout<warden_event_t>.stride
                return bans.withUnsafeBufferPointer { banBuffer in
                    events.withUnsafeBufferPointer { eventBuffer in
                        pairs.withUnsafeBufferPointer { pairBuffer in
                            stored.banIDs.withUnsafeBufferPointer { ids in
                                ended.withUnsafeBufferPointer { ends in
                                    signal.bans = UnsafeRawPointer(banBuffer.baseAddress)
                                    signal.ban_count = banBuffer.count
                                    signal.events = UnsafeRawPointer(eventBuffer.baseAddress)
                                    signal.event_count = eventBuffer.count
                                    signal.labels = warden_map_t(items: pairBuffer.baseAddress, count: pairBuffer.count)
                                    return withUnsafePointer(to: &signal) { signalPointer in
                                        var record = warden_signal_record_t(
                                            struct_size: UInt32(MemoryLayout<warden_signal_record_t>.size), reserved: 0,
                                            id: stored.id, signal: signalPointer, ban_ids: ids.baseAddress,
                                            ban_ended_ns: ends.baseAddress)
                                        return withUnsafePointer(to: &record) { body($0) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension UInt128 {
    /// Writes the 16 bytes in network byte order.
    func writeNetworkBytes(to buffer: UnsafeMutableRawBufferPointer) {
        for i in 0..<16 { buffer[i] = UInt8(truncatingIfNeeded: self >> UInt128(8 * (15 - i))) }
    }
}
