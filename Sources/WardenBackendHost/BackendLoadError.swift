import WardenBasics

/// Why a backend library or instance was refused. Each case has its own message,
/// written as "what failed: why; what to do", with `dlerror()` text verbatim.
public struct BackendLoadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The distinct ways a plugin can be wrong.
    public enum Reason: Equatable, Sendable {
        case fileMissing
        case unsafeMode(mode: UInt32)
        case unsafeOwner(uid: UInt32, expected: UInt32)
        case notLoadable(dlerror: String)
        case noEntryPoint(dlerror: String)
        case newFailed(status: Int32, message: String)
        case newReturnedNothing
        case badMagic(found: UInt32)
        case majorMismatch(major: UInt32, minor: UInt32)
        /// A 1.0 or 1.1 backend: its insert ends a target's live ban (see THE ONE EXCEPTION in the header).
        case replacesBans(minor: UInt32)
        case structTooSmall(size: UInt32)
        case missingSlot(String)
        case initFailed(name: String, status: Int32, message: String)
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// The environment variable that lets development builds skip the file checks.
    public static let allowUnsafeVariable = "WARDEN_ALLOW_UNSAFE_PLUGINS"

    public var description: String {
        let subject = "cannot load backend \"\(path)\""
        switch reason {
        case .fileMissing:
            return "\(subject): no such file; check 'path' in the backend's YAML file"
        case .unsafeMode(let mode):
            return "\(subject): the file is writable by group or others (mode \(octal(mode))); "
                + "run 'chmod go-w' on it, or set \(Self.allowUnsafeVariable)=1 for development"
        case .unsafeOwner(let uid, let expected):
            return "\(subject): the file is owned by uid \(uid), not by root or the current user (uid \(expected)); "
                + "chown it, or set \(Self.allowUnsafeVariable)=1 for development"
        case .notLoadable(let text):
            return "\(subject): not a loadable shared library (\(text)); build it as a shared object for this machine"
        case .noEntryPoint(let text):
            return "\(subject): no symbol \"New\" (\(text)); export New with C linkage "
                + "(@c(New) in Swift, #[no_mangle] extern \"C\" in Rust, WARDEN_EXPORT in C)"
        case .newFailed(let status, let message):
            return "\(subject): New failed with \(BackendStatus.name(of: status)): \(message)"
        case .newReturnedNothing:
            return "\(subject): New returned WARDEN_OK but no instance; New must set *out"
        case .badMagic(let found):
            return "\(subject): not a Warden backend (magic \(hex(found)), expected \(hex(0x4E52_4457))); "
                + "check that the path names a Warden backend"
        case .majorMismatch(let major, let minor):
            return "\(subject): it implements ABI \(major).\(minor) but this warden supports \(ABIVersion.major).x; "
                + "rebuild it against warden_backend.h \(ABIVersion.major).x"
        case .replacesBans(let minor):
            return "\(subject): it implements ABI \(ABIVersion.major).\(minor), whose insert ends the live ban a "
                + "target already has, so a shorter or weaker ban would lift a longer one; this warden needs "
                + "\(ABIVersion.major).\(ABIVersion.minimumMinor) or later, which keeps every ban (STACKED BANS in "
                + "warden_backend.h): rebuild it against that header"
        case .structTooSmall(let size):
            return "\(subject): its warden_backend_t is \(size) bytes, ABI \(ABIVersion.major).0 needs at least "
                + "\(ABIVersion.minimumBackendSize); rebuild it against warden_backend.h \(ABIVersion.major).x"
        case .missingSlot(let slot):
            return "\(subject): required function \"\(slot)\" is NULL; implement it "
                + "(every member but get_extension is required)"
        case .initFailed(let name, let status, let message):
            return "backend \"\(name)\" (\(path)): init failed with \(BackendStatus.name(of: status)): \(message)"
        }
    }
}

private func octal(_ mode: UInt32) -> String {
    let text = String(mode & 0o7777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - text.count)) + text
}

private func hex(_ value: UInt32) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 8 - text.count)) + text
}
