import CWardenBackend
import Synchronization

/// Strings that must outlive every instance (`name`, `version` of the vtable):
/// each distinct text is copied once and kept for the process life.
enum StaticStrings {
    private static let table = Mutex<[String: UnsafeMutableBufferPointer<CChar>]>([:])

    static func intern(_ text: String) -> warden_str_t {
        let buffer = table.withLock { table in
            if let existing = table[text] { return existing }
            let utf8 = Array(text.utf8)
            let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: utf8.count + 1)
            for (i, byte) in utf8.enumerated() { copy[i] = CChar(bitPattern: byte) }
            copy[utf8.count] = 0
            table[text] = copy
            return copy
        }
        return warden_str_t(ptr: UnsafePointer(buffer.baseAddress), len: buffer.count - 1)
    }
}

extension UInt128 {
    /// Reads 16 bytes in network byte order.
    init(networkBytes b: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                          UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        var value: UInt128 = 0
        withUnsafeBytes(of: b) { raw in
            for byte in raw { value = value << 8 | UInt128(byte) }
        }
        self = value
    }
}
