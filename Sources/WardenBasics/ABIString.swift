import CWardenBackend

extension String {
    /// Copies a borrowed ABI string into a Swift string (invalid UTF-8 is repaired).
    public init(_ s: warden_str_t) {
        guard let ptr = s.ptr, s.len > 0 else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: ptr, count: s.len), as: UTF8.self)
    }
}

/// Writes `message` NUL-terminated into the host's error buffer, truncated at a
/// UTF-8 character boundary when it does not fit.
public func writeMessage(_ message: String, into buffer: UnsafeMutablePointer<CChar>?, capacity: Int) {
    guard let buffer, capacity > 0 else { return }
    var utf8 = Array(message.utf8.prefix(capacity - 1))
    if utf8.count == capacity - 1 {
        // Drop a trailing partial character: continuation bytes and the lead byte before them.
        while let last = utf8.last, last & 0xC0 == 0x80 { utf8.removeLast() }
        if let last = utf8.last, last >= 0xC0 { utf8.removeLast() }
    }
    utf8.withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) { chars in
            buffer.update(from: chars.baseAddress!, count: chars.count)
        }
    }
    buffer[utf8.count] = 0
}


extension String {
    /// Decodes a NUL-terminated C buffer (such as an error buffer) as UTF-8.
    public init(nulTerminated buffer: [CChar]) {
        let end = buffer.firstIndex(of: 0) ?? buffer.count
        self = buffer[..<end].withUnsafeBufferPointer { chars in
            String(decoding: UnsafeRawBufferPointer(chars), as: UTF8.self)
        }
    }
}
