import CWardenBackend
import Glibc
import Synchronization
import WardenBasics

/// A backend `.so` opened with `dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)`.
///
/// Each file (by device and inode) is opened once per process, however many
/// configs name it; its instances share the image, not the state. Libraries are
/// never unloaded: unloading Swift code leaves dangling runtime metadata.
public final class BackendLibrary: Sendable {
    /// The path it was first opened from.
    public let path: String
    private nonisolated(unsafe) let newFunction: warden_new_fn

    private init(path: String, newFunction: warden_new_fn) {
        self.path = path
        self.newFunction = newFunction
    }

    private static let opened = Mutex<[String: BackendLibrary]>([:])

    /// Opens `path`, or returns the library already opened from the same file. A
    /// relative path is taken from the current directory, never searched for the way
    /// `dlopen` searches a bare file name (`libm.so.6` must not load the system's).
    /// - Parameter allowUnsafeFiles: skip the owner and mode checks (development only).
    /// - Throws: ``BackendLoadError``.
    public static func open(_ path: String, allowUnsafeFiles: Bool) throws(BackendLoadError) -> BackendLibrary {
        let path = absolute(path)
        var info = stat()
        guard stat(path, &info) == 0 else { throw BackendLoadError(path: path, reason: .fileMissing) }
        if !allowUnsafeFiles {
            if info.st_mode & 0o022 != 0 {
                throw BackendLoadError(path: path, reason: .unsafeMode(mode: info.st_mode))
            }
            if info.st_uid != 0 && info.st_uid != geteuid() {
                throw BackendLoadError(path: path, reason: .unsafeOwner(uid: info.st_uid, expected: geteuid()))
            }
        }
        let key = "\(info.st_dev):\(info.st_ino)"
        if let library = opened.withLock({ $0[key] }) { return library }

        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw BackendLoadError(path: path, reason: .notLoadable(dlerror: lastDLError()))
        }
        guard let symbol = dlsym(handle, WARDEN_ENTRY_SYMBOL) else {
            let text = lastDLError()
            dlclose(handle)
            throw BackendLoadError(path: path, reason: .noEntryPoint(dlerror: text))
        }
        let library = BackendLibrary(path: path, newFunction: unsafeBitCast(symbol, to: warden_new_fn.self))
        return opened.withLock { table in
            if let existing = table[key] { return existing }
            table[key] = library
            return library
        }
    }

    /// Refused instances and the host structs they were given, kept for the process
    /// life: a malformed instance cannot be destroyed safely, and might still call
    /// into its host struct, so neither is freed (nor lost: both stay reachable).
    private static let refused = Mutex<[RefusedInstance]>([])

    private struct RefusedInstance: @unchecked Sendable {
        let vtable: UnsafeMutablePointer<warden_backend_t>
        let host: UnsafeMutablePointer<warden_host_t>
    }

    /// Makes the host struct of `services`, calls `New` with it and checks what it
    /// returns: magic, ABI major, size, required slots. On success the caller owns both
    /// the instance and the host struct (freed with ``HostServices/release(_:)`` after
    /// `destroy`). On failure nothing is the caller's: the host struct is freed when
    /// `New` created no instance, and kept with a refused one otherwise.
    /// - Throws: ``BackendLoadError``.
    func instantiate(_ services: HostServices) throws(BackendLoadError)
        -> (vtable: UnsafeMutablePointer<warden_backend_t>, host: UnsafeMutablePointer<warden_host_t>)
    {
        let host = services.makeHostStruct()
        var out: UnsafeMutablePointer<warden_backend_t>?
        var err = [CChar](repeating: 0, count: 1024)
        let status = newFunction(host, &out, &err, err.count)
        guard status == WARDEN_OK, let vtable = out else {
            HostServices.release(host)
            if status != WARDEN_OK {
                throw BackendLoadError(path: path, reason: .newFailed(status: status, message: String(nulTerminated: err)))
            }
            throw BackendLoadError(path: path, reason: .newReturnedNothing)
        }
        do {
            try check(vtable)
            return (vtable, host)
        } catch {
            Self.refused.withLock { $0.append(RefusedInstance(vtable: vtable, host: host)) }
            throw error
        }
    }

    /// Checks an instance `New` returned: magic, ABI major, size, required slots.
    private func check(_ vtable: UnsafeMutablePointer<warden_backend_t>) throws(BackendLoadError) {
        let header = UnsafeRawPointer(vtable)
        let magic = header.load(as: UInt32.self)
        guard magic == WARDEN_ABI_MAGIC else { throw BackendLoadError(path: path, reason: .badMagic(found: magic)) }
        let size = header.load(fromByteOffset: 4, as: UInt32.self)
        let major = header.load(fromByteOffset: 8, as: UInt32.self)
        let minor = header.load(fromByteOffset: 12, as: UInt32.self)
        guard major == WARDEN_ABI_VERSION_MAJOR else {
            throw BackendLoadError(path: path, reason: .majorMismatch(major: major, minor: minor))
        }
        guard minor >= ABIVersion.minimumMinor else {
            throw BackendLoadError(path: path, reason: .replacesBans(minor: minor))
        }
        guard Int(size) >= ABIVersion.minimumBackendSize else {
            throw BackendLoadError(path: path, reason: .structTooSmall(size: size))
        }
        let v = vtable.pointee
        let required: [(String, Bool)] = [
            ("init", v.`init` != nil), ("insert", v.insert != nil), ("read_at", v.read_at != nil),
            ("delete_target", v.delete_target != nil), ("delete_all", v.delete_all != nil),
            ("flush", v.flush != nil), ("start_auto_commit", v.start_auto_commit != nil),
            ("shutdown", v.shutdown != nil), ("destroy", v.destroy != nil),
        ]
        if let missing = required.first(where: { !$0.1 }) {
            throw BackendLoadError(path: path, reason: .missingSlot(missing.0))
        }
    }
}

private func lastDLError() -> String {
    guard let text = dlerror() else { return "no dlerror text" }
    return String(cString: text)
}

/// `path` made absolute against the current directory (unchanged if already absolute).
private func absolute(_ path: String) -> String {
    guard !path.hasPrefix("/"), let cwd = getcwd(nil, 0) else { return path }
    defer { free(cwd) }
    let base = String(cString: cwd)
    let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    return base == "/" ? "/" + relative : base + "/" + relative
}
