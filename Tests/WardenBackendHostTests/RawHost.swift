import CWardenBackend
import Foundation
import WardenTestSupport

/// A host written for the ABI tests alone: it calls a backend's `New` and vtable
/// directly, so it can hand the backend structs the real host never lays out, such as
/// those of a host built against a later 1.x minor (see ``SignalImage``).
///
/// It opens the same image as the real host's loader (dlopen returns the loaded
/// library), so an instance of it and a ``LoadedBackend`` on the same storage see
/// each other's flushed bans.
final class RawHost {
    /// What `New` or a call returned.
    struct Outcome: Error, Equatable, CustomStringConvertible {
        var status: Int32
        var message: String
        static let ok = Outcome(status: WARDEN_OK, message: "")
        var description: String { "\(status): \(message)" }
    }

    private let host: UnsafeMutableRawPointer
    private let vtable: UnsafeMutablePointer<warden_backend_t>

    /// Calls `New` of `library` with a host struct declaring `hostSize` bytes: this header's
    /// members (`count` NULL), then 0xA5 bytes where a later minor's members would be.
    /// - Returns: the instance, or what `New` said when it refused.
    static func new(library: String, hostSize: Int) throws -> Result<RawHost, Outcome> {
        guard let image = dlopen(library, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE),
              let symbol = dlsym(image, WARDEN_ENTRY_SYMBOL)
        else { throw CCompiler.Failure(description: "cannot open \(library): \(String(cString: dlerror()))") }
        let new = unsafeBitCast(symbol, to: warden_new_fn.self)
        let host = UnsafeMutableRawPointer.allocate(byteCount: max(hostSize, 64), alignment: 8)
        host.initializeMemory(as: UInt8.self, repeating: 0xA5, count: max(hostSize, 64))
        host.storeBytes(of: warden_host_t(
            magic: WARDEN_ABI_MAGIC, struct_size: UInt32(hostSize), abi_major: WARDEN_ABI_VERSION_MAJOR,
            abi_minor: WARDEN_ABI_VERSION_MINOR, host_data: nil, log: { _, _, _ in }, now_ns: { _ in 1_700_000_000_000_000_000 },
            count: nil
        ), as: warden_host_t.self)
        var out: UnsafeMutablePointer<warden_backend_t>?
        var err = [CChar](repeating: 0, count: 1024)
        let status = new(host.assumingMemoryBound(to: warden_host_t.self), &out, &err, err.count)
        guard status == WARDEN_OK, let out else {
            // Like the real loader, a refused New's host struct is never freed.
            return .failure(Outcome(status: status, message: text(err)))
        }
        return .success(RawHost(host: host, vtable: out))
    }

    /// A configured instance with a host struct of `hostSize` bytes.
    /// - Throws: the ``Outcome`` of a refused `New` or `init`.
    static func configured(library: String, hostSize: Int, config: [String: String]) throws -> RawHost {
        let instance = try new(library: library, hostSize: hostSize).get()
        let strings = StringArena()
        let pairs = config.map { warden_kv_t(key: strings.str($0.key), value: strings.str($0.value)) }
        let outcome = pairs.withUnsafeBufferPointer { buffer in
            instance.configure(warden_map_t(items: buffer.baseAddress, count: buffer.count))
        }
        guard outcome == .ok else { throw outcome }
        return instance
    }

    private init(host: UnsafeMutableRawPointer, vtable: UnsafeMutablePointer<warden_backend_t>) {
        self.host = host
        self.vtable = vtable
    }

    deinit {
        vtable.pointee.destroy(vtable)
        host.deallocate()
    }

    private func call(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> Outcome {
        var err = [CChar](repeating: 0, count: 1024)
        let status = err.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        return status == WARDEN_OK ? .ok : Outcome(status: status, message: text(err))
    }

    func configure(_ config: warden_map_t) -> Outcome {
        call { vtable.pointee.`init`(vtable, config, $0, $1) }
    }

    /// `insert` of a signal exactly as laid out by `image`.
    func insert(_ image: SignalImage) -> Outcome {
        call { vtable.pointee.insert(vtable, image.signal, $0, $1) }
    }

    /// `insert` of no signal at all.
    func insertNull() -> Outcome {
        call { vtable.pointee.insert(vtable, nil, $0, $1) }
    }

    func flush() -> Outcome {
        call { vtable.pointee.flush(vtable, $0, $1) }
    }
}

/// Bytes for borrowed ABI strings, freed with the arena.
final class StringArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit { blocks.forEach { $0.deallocate() } }

    func str(_ text: String) -> warden_str_t {
        let bytes = Array(text.utf8)
        let block = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        blocks.append(block)
        block.copyMemory(from: bytes, byteCount: bytes.count)
        return warden_str_t(ptr: block.assumingMemoryBound(to: CChar.self), len: bytes.count)
    }
}

/// The NUL-terminated text of an error buffer.
private func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
