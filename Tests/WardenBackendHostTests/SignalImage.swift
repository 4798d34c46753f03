import CWardenBackend
import WardenBackendHost
import WardenModel
import WardenStore

/// The sizes a host build declares for the structs it passes (`struct_size` and strides).
struct Layout: CustomStringConvertible {
    var name: String
    var hostSize: Int
    var signalSize: Int
    var banStride: Int
    var eventStride: Int

    /// Exactly ABI 1.0's minimums: the smallest layout a backend must accept.
    static let v1_0 = Layout(
        name: "1.0", hostSize: WARDEN_HOST_V1_0_SIZE, signalSize: WARDEN_SIGNAL_V1_0_SIZE,
        banStride: WARDEN_BAN_V1_0_SIZE, eventStride: WARDEN_EVENT_V1_0_SIZE)

    /// A simulated ABI 1.1: one `int64_t` appended to the host struct, the signal, each
    /// ban and each event (bans 176 bytes apart).
    static let v1_1 = Layout(
        name: "1.1", hostSize: WARDEN_HOST_V1_0_SIZE + 8, signalSize: WARDEN_SIGNAL_V1_0_SIZE + 8,
        banStride: WARDEN_BAN_V1_0_SIZE + 8, eventStride: WARDEN_EVENT_V1_0_SIZE + 8)

    var description: String { "ABI \(name) layout" }
}

/// One signal laid out by hand the way a host of some ``Layout`` would: every struct
/// declares that layout's size, array elements sit that many bytes apart, and the bytes
/// a later minor appends hold ``sentinel``. Everything lives as long as the image.
final class SignalImage {
    /// What the appended member of a simulated 1.1 struct holds. A reader that indexed
    /// with its own sizeof would take it for the next element's `struct_size` and `scope`.
    static let sentinel: Int64 = 0x5EA1_ED0F_F1CE_B00C

    /// The signal, to pass to `insert`; tests may shrink what it declares.
    let signal: UnsafeMutablePointer<warden_signal_t>
    private let strings = StringArena()
    private var blocks: [UnsafeMutableRawPointer] = []

    init(_ order: SignalOrder, layout: Layout) {
        let header = UnsafeMutableRawPointer.allocate(byteCount: layout.signalSize, alignment: 16)
        signal = header.bindMemory(to: warden_signal_t.self, capacity: 1)
        blocks.append(header)

        let bans = block(order.bans.count * layout.banStride)
        for (i, ban) in order.bans.enumerated() {
            var c = warden_ban_t()
            c.struct_size = UInt32(layout.banStride)
            c.scope = UInt32(ban.target.scopeName == "Ip" ? WARDEN_SCOPE_IP : WARDEN_SCOPE_RANGE)
            c.target = strings.str(ban.target.description)
            withUnsafeMutableBytes(of: &c.range_start) { ban.target.first.writeNetworkBytes(to: $0) }
            withUnsafeMutableBytes(of: &c.range_end) { ban.target.last.writeNetworkBytes(to: $0) }
            c.origin = strings.str(ban.origin)
            c.action = strings.str(ban.action)
            c.reason = strings.str(ban.reason)
            c.scenario = strings.str(ban.scenario)
            c.country = strings.str(ban.country)
            c.as_name = strings.str(ban.asName)
            c.as_number = ban.asNumber
            c.until_ns = ban.untilNs
            put(c, at: bans + i * layout.banStride, size: layout.banStride)
        }

        let events = block(order.events.count * layout.eventStride)
        for (i, event) in order.events.enumerated() {
            var c = warden_event_t()
            c.struct_size = UInt32(layout.eventStride)
            c.time_ns = event.timeNs
            c.source = strings.str(event.source)
            c.serialized = strings.str(event.serialized)
            put(c, at: events + i * layout.eventStride, size: layout.eventStride)
        }

        // warden_kv_t is frozen: a plain array.
        let labels = order.labels.sorted { $0.key < $1.key }
        let pairs = block(labels.count * MemoryLayout<warden_kv_t>.stride).bindMemory(to: warden_kv_t.self, capacity: labels.count)
        for (i, label) in labels.enumerated() {
            pairs[i] = warden_kv_t(key: strings.str(label.key), value: strings.str(label.value))
        }

        var s = warden_signal_t()
        s.struct_size = UInt32(layout.signalSize)
        s.scenario = strings.str(order.scenario)
        s.message = strings.str(order.message)
        s.source = strings.str(order.source)
        s.events_count = order.eventsCount
        s.start_ns = order.startNs
        s.stop_ns = order.stopNs
        s.created_ns = order.createdNs
        s.bans = UnsafeRawPointer(bans)
        s.ban_count = order.bans.count
        s.ban_stride = layout.banStride
        s.events = UnsafeRawPointer(events)
        s.event_count = order.events.count
        s.event_stride = layout.eventStride
        s.labels = warden_map_t(items: pairs, count: labels.count)
        put(s, at: header, size: layout.signalSize)
    }

    deinit { blocks.forEach { $0.deallocate() } }

    /// A zeroed block of `bytes` bytes, freed with the image.
    private func block(_ bytes: Int) -> UnsafeMutableRawPointer {
        let block = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 16)
        block.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
        blocks.append(block)
        return block
    }

    /// Stores a v1.0 struct at `address` and, in the `size - sizeof` bytes a later minor
    /// appends, the sentinel.
    private func put<T>(_ value: T, at address: UnsafeMutableRawPointer, size: Int) {
        precondition(size >= MemoryLayout<T>.size, "a layout below this build's sizes cannot hold a whole struct")
        address.storeBytes(of: value, as: T.self)
        if size >= MemoryLayout<T>.size + 8 {
            address.storeBytes(of: Self.sentinel, toByteOffset: MemoryLayout<T>.size, as: Int64.self)
        }
    }
}
