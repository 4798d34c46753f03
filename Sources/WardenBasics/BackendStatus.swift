import CWardenBackend

/// The status codes of the ABI (`WARDEN_E_*` in `warden_backend.h`): the one table
/// both sides use, the SDK to return them and the host to name them in messages.
public enum BackendStatus: Int32, Sendable, CaseIterable {
    case invalid = 1
    case unsupported = 2
    case io = 3
    case busy = 4
    case abi = 5
    case `internal` = 6
    /// `changes_since` only: the cursor is not in the change history the storage keeps.
    case staleCursor = 7
    /// `write_document` only: the document changed since the version the write named.
    case conflict = 8

    /// The header's name: `WARDEN_E_IO`.
    public var symbol: String {
        switch self {
        case .invalid: "WARDEN_E_INVALID"
        case .unsupported: "WARDEN_E_UNSUPPORTED"
        case .io: "WARDEN_E_IO"
        case .busy: "WARDEN_E_BUSY"
        case .abi: "WARDEN_E_ABI"
        case .internal: "WARDEN_E_INTERNAL"
        case .staleCursor: "WARDEN_E_STALE_CURSOR"
        case .conflict: "WARDEN_E_CONFLICT"
        }
    }

    /// The header's name of any status a backend returned, known or not.
    public static func name(of status: Int32) -> String {
        if status == WARDEN_OK { return "WARDEN_OK" }
        return BackendStatus(rawValue: status)?.symbol ?? "unknown status \(status)"
    }
}
